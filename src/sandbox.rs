//! The only module that calls into the C library for processes, files and the terminal: every
//! `unsafe` block of the tool's own process code is here, each with the reason it is sound.
//!
//! [`spawn`] starts a program contained, so that everything it starts ends with it:
//!
//! - **Linux with user namespaces** (most distributions; no root needed): the program runs in
//!   a PID namespace of its own, under a tiny init process. When the program ends, when the
//!   caller stops it, or when the caller itself dies (even by SIGKILL: the init has a
//!   parent-death signal), the init exits and the kernel kills every process left in the
//!   namespace. From inside, the program cannot see or signal the caller.
//! - **Linux without them**: a supervisor, a subreaper (`PR_SET_CHILD_SUBREAPER`), inherits
//!   whatever the program leaves behind (double forks and `setsid` included) and kills all of
//!   it when the program ends, when asked, or when the caller's lifeline pipe closes (the
//!   caller died). The program can still see its supervisor and the caller.
//! - **Other systems**: its own session and process group, killed as a group.
//!
//! In every case the program has no controlling terminal (a new session), standard input is
//! `/dev/null`, and the limits asked for are set with `setrlimit`.
//!
//! Between `clone` and `execve` the child is a copy of a multi-threaded process: only
//! async-signal-safe calls, no allocation, nothing that can panic. Everything it needs
//! (paths, arguments, environment, the id maps) is prepared before.

#![allow(unsafe_code)]

use std::ffi::{CString, OsStr, OsString};
use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What to start, and how.
pub struct Plan {
    pub program: PathBuf,
    pub args: Vec<OsString>,
    /// Set or replaced in the inherited environment.
    pub env: Vec<(OsString, OsString)>,
    pub cwd: Option<PathBuf>,
    pub stdout: OwnedFd,
    pub stderr: OwnedFd,
    /// Becomes file descriptor 3 of the program (the trace's way back).
    pub hand_back: Option<OwnedFd>,
    /// RLIMIT_AS, bytes.
    pub memory: Option<u64>,
    /// RLIMIT_FSIZE, bytes: the largest file the program may write.
    pub file_size: Option<u64>,
    /// Try a PID namespace first (else go straight to the fallback).
    pub namespaces: bool,
    /// Keep the network. Without it (in a namespace), the program has only a loopback
    /// interface that is down: no connection in or out.
    pub network: bool,
    /// The program's temporary folder (its `TMPDIR`, made by the caller), to mount a
    /// size-capped tmpfs on in a namespace: what the program writes there is never on the
    /// disk and is gone with the namespace (as is what it writes in /dev/shm).
    pub tmp: Option<PathBuf>,
}

/// How a program was contained.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Containment {
    /// Its own PID namespace (Linux, user namespaces allowed).
    PidNamespace,
    /// A subreaper supervisor that kills what it inherits (Linux).
    Subreaper,
    /// A session and process group of its own.
    ProcessGroup,
}

/// How a contained program ended.
#[derive(Debug)]
pub enum Ended {
    Exited(i32),
    Signaled(i32),
    /// It could not be started (the `execve` error).
    NotStarted(io::Error),
    /// Its supervisor ended without saying how the program did (killed from outside).
    Lost,
}

impl Ended {
    /// The same ending, owned (`io::Error` is not `Clone`: a `NotStarted` keeps its kind and
    /// message).
    pub fn copied(&self) -> Ended {
        match self {
            Ended::Exited(c) => Ended::Exited(*c),
            Ended::Signaled(s) => Ended::Signaled(*s),
            Ended::NotStarted(e) => {
                Ended::NotStarted(io::Error::new(e.kind(), e.to_string()))
            }
            Ended::Lost => Ended::Lost,
        }
    }
}

/// The pipes a contained program is given: its standard output, its standard error, and the
/// hand-back pipe its trace comes back on, each as (read end, write end).
pub type Pipes = [(io::PipeReader, io::PipeWriter); 3];

/// Make the three [`Pipes`].
pub fn pipes() -> io::Result<Pipes> {
    Ok([io::pipe()?, io::pipe()?, io::pipe()?])
}

/// A contained program. Dropping it kills everything it started.
pub struct Contained {
    /// The init or supervisor process (our child).
    pid: libc::pid_t,
    /// The program itself, in our PID namespace (fallbacks only).
    program: Option<libc::pid_t>,
    containment: Containment,
    /// Records from the init: started, stopped, ended.
    status: File,
    pending: Vec<u8>,
    /// Closing it tells the supervisor to stop everything (and it closes if we die).
    lifeline: Option<OwnedFd>,
    ended: Option<Ended>,
    stopped: bool,
    reaped: bool,
    killed: bool,
}

// Records the init writes on the status pipe: 8 bytes, a tag and a value.
const STARTED: u32 = 1;
const EXEC_FAILED: u32 = 2;
const WAIT_STATUS: u32 = 3;
const STOPPED: u32 = 4;
const CONTINUED: u32 = 5;

impl Contained {
    pub fn containment(&self) -> Containment {
        self.containment
    }

    /// Whether the program is stopped (SIGSTOP, SIGTSTP) as far as we heard.
    pub fn is_stopped(&self) -> bool {
        self.stopped
    }

    /// How the program ended, if it has (never blocks).
    pub fn try_wait(&mut self) -> Option<&Ended> {
        if self.ended.is_none() {
            self.read_records();
        }
        if self.ended.is_none() && self.supervisor_gone() {
            // The records were written before it exited: read what is left.
            self.read_records();
            if self.ended.is_none() {
                self.ended = Some(Ended::Lost);
            }
        }
        if self.ended.is_some() {
            // The supervisor exits right after its last record; the rest is killed with it.
            self.kill();
        }
        self.ended.as_ref()
    }

    /// Kill everything the program started, and wait (a bounded time) for it to be gone.
    /// Does its work once; later calls do nothing.
    pub fn kill(&mut self) {
        if self.killed {
            return;
        }
        self.killed = true;
        // Whether the init or supervisor did (or the kernel does) the killing.
        let mut cleaned =
            self.reaped && !matches!(self.ended, Some(Ended::Lost));
        if !self.reaped {
            match self.containment {
                Containment::PidNamespace => {
                    // SAFETY: kill has no memory-safety preconditions; `pid` is our unreaped
                    // child, so it names no other process. Its end ends the namespace.
                    unsafe { libc::kill(self.pid, libc::SIGKILL) };
                    cleaned = true;
                }
                Containment::Subreaper => {
                    // The supervisor kills the tree when its lifeline closes.
                    self.lifeline = None;
                    cleaned = self.reap_within(Duration::from_secs(2));
                    if !cleaned {
                        // Stopped by the program: it gets no say.
                        // SAFETY: as above.
                        unsafe { libc::kill(self.pid, libc::SIGKILL) };
                    }
                }
                Containment::ProcessGroup => {
                    // SAFETY: as above; the group is the one the child leads.
                    unsafe {
                        libc::kill(-self.pid, libc::SIGKILL);
                        libc::kill(self.pid, libc::SIGKILL);
                    }
                    cleaned = true;
                }
            }
            self.reap_within(Duration::from_secs(3));
        }
        if !cleaned
            && self.containment == Containment::Subreaper
            && let Some(p) = self.program
        {
            // The supervisor was killed or stopped by the program: its group, from here
            // (what left the group is out of reach without a namespace).
            // SAFETY: as above; `-p` is the program's own process group.
            unsafe { libc::kill(-p, libc::SIGKILL) };
        }
    }

    /// Wait up to `limit` for our child to end; true once it is reaped.
    fn reap_within(&mut self, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        loop {
            if self.supervisor_gone() {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    /// Whether our child has ended (reaping it).
    fn supervisor_gone(&mut self) -> bool {
        if self.reaped {
            return true;
        }
        let mut status = 0;
        // SAFETY: `status` is a valid out-pointer; `pid` is our child.
        let r =
            unsafe { libc::waitpid(self.pid, &mut status, libc::WNOHANG) };
        if r == self.pid || r < 0 {
            self.reaped = true;
            if self.containment == Containment::ProcessGroup
                && self.ended.is_none()
            {
                self.ended = Some(from_wait_status(status));
            }
        }
        self.reaped
    }

    fn read_records(&mut self) {
        let mut buf = [0u8; 256];
        loop {
            use std::io::Read;
            match self.status.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => self.pending.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {
                    continue;
                }
                Err(_) => break, // WouldBlock: nothing more now
            }
        }
        let mut at = 0;
        while self.pending.len() - at >= 8 {
            let tag = u32::from_ne_bytes(
                self.pending[at..at + 4].try_into().unwrap_or_default(),
            );
            let value = i32::from_ne_bytes(
                self.pending[at + 4..at + 8].try_into().unwrap_or_default(),
            );
            at += 8;
            if self.ended.is_some() {
                continue;
            }
            match tag {
                STARTED if self.containment == Containment::Subreaper => {
                    self.program = Some(value)
                }
                EXEC_FAILED => {
                    self.ended = Some(Ended::NotStarted(
                        io::Error::from_raw_os_error(value),
                    ))
                }
                WAIT_STATUS => self.ended = Some(from_wait_status(value)),
                STOPPED => self.stopped = true,
                CONTINUED => self.stopped = false,
                _ => {}
            }
        }
        self.pending.drain(..at);
    }
}

impl Drop for Contained {
    fn drop(&mut self) {
        self.kill();
    }
}

fn from_wait_status(status: i32) -> Ended {
    if libc::WIFEXITED(status) {
        Ended::Exited(libc::WEXITSTATUS(status))
    } else if libc::WIFSIGNALED(status) {
        Ended::Signaled(libc::WTERMSIG(status))
    } else {
        Ended::Lost
    }
}

/// Start `plan`'s program contained. Its output goes to the descriptors in the plan.
pub fn spawn(plan: Plan) -> io::Result<Contained> {
    let prepared = Prepared::new(&plan)?;
    let (status_read, status_write) = io::pipe()?;
    let (lifeline_read, lifeline_write) = io::pipe()?;
    let status_write = above(OwnedFd::from(status_write))?;
    let lifeline_read = above(OwnedFd::from(lifeline_read))?;
    let devnull = above(OwnedFd::from(
        File::options().read(true).write(true).open("/dev/null")?,
    ))?;
    let stdout = above(plan.stdout)?;
    let stderr = above(plan.stderr)?;
    let hand_back = plan.hand_back.map(above).transpose()?;
    let fds = Fds {
        devnull: devnull.as_raw_fd(),
        stdout: stdout.as_raw_fd(),
        stderr: stderr.as_raw_fd(),
        hand_back: hand_back.as_ref().map_or(-1, |f| f.as_raw_fd()),
        status: status_write.as_raw_fd(),
        lifeline: lifeline_read.as_raw_fd(),
    };
    let status = File::from(OwnedFd::from(status_read));
    set_nonblocking(&status)?;

    let (pid, containment) = start(&prepared, &fds, plan.namespaces)?;
    // Only the child keeps these now: the pipes end when its processes do.
    drop((
        status_write,
        lifeline_read,
        devnull,
        stdout,
        stderr,
        hand_back,
    ));
    Ok(Contained {
        pid,
        program: (containment == Containment::ProcessGroup).then_some(pid),
        containment,
        status,
        pending: Vec::new(),
        lifeline: Some(OwnedFd::from(lifeline_write)),
        ended: None,
        stopped: false,
        reaped: false,
        killed: false,
    })
}

/// A copy of `fd` numbered 10 or more (close-on-exec), so that the child's `dup2` onto 0 to 3
/// never overwrites a descriptor it still has to copy.
fn above(fd: OwnedFd) -> io::Result<OwnedFd> {
    if fd.as_raw_fd() >= 10 {
        return Ok(fd);
    }
    // SAFETY: fcntl on a descriptor we own; the result, if valid, is a new descriptor that
    // nothing else owns.
    let new =
        unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_DUPFD_CLOEXEC, 10) };
    if new < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `new` is a fresh descriptor owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(new) })
}

fn set_nonblocking(file: &File) -> io::Result<()> {
    let fd = file.as_raw_fd();
    // SAFETY: fcntl on a descriptor we own, with integer arguments only.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags < 0
            || libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK) < 0
        {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

/// The descriptors the child works with, all numbered 10 or more.
struct Fds {
    devnull: RawFd,
    stdout: RawFd,
    stderr: RawFd,
    /// -1: none.
    hand_back: RawFd,
    status: RawFd,
    lifeline: RawFd,
}

/// Everything the child needs, made before it exists (it may not allocate).
struct Prepared {
    program: CString,
    _argv: Vec<CString>,
    argv: Vec<*const libc::c_char>,
    _envp: Vec<CString>,
    envp: Vec<*const libc::c_char>,
    cwd: Option<CString>,
    memory: Option<u64>,
    file_size: Option<u64>,
    uid_map: Vec<u8>,
    gid_map: Vec<u8>,
    tmp: Option<CString>,
    network: bool,
}

fn c_string(s: &OsStr) -> io::Result<CString> {
    CString::new(s.as_bytes()).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "a NUL byte in an argument or path",
        )
    })
}

impl Prepared {
    fn new(plan: &Plan) -> io::Result<Prepared> {
        let program = c_string(find_program(&plan.program)?.as_os_str())?;
        let mut argv_owned = vec![c_string(plan.program.as_os_str())?];
        for a in &plan.args {
            argv_owned.push(c_string(a)?);
        }
        let mut env: Vec<(OsString, OsString)> = std::env::vars_os()
            .filter(|(k, _)| !plan.env.iter().any(|(set, _)| set == k))
            .collect();
        env.extend(plan.env.iter().cloned());
        let mut envp_owned = Vec::with_capacity(env.len());
        for (k, v) in env {
            let mut kv = k;
            kv.push("=");
            kv.push(v);
            envp_owned.push(c_string(&kv)?);
        }
        let pointers = |v: &[CString]| {
            v.iter()
                .map(|s| s.as_ptr())
                .chain(std::iter::once(std::ptr::null()))
                .collect()
        };
        // SAFETY: getuid and getgid cannot fail and touch no memory.
        let (uid, gid) = unsafe { (libc::getuid(), libc::getgid()) };
        Ok(Prepared {
            program,
            argv: pointers(&argv_owned),
            _argv: argv_owned,
            envp: pointers(&envp_owned),
            _envp: envp_owned,
            cwd: plan
                .cwd
                .as_deref()
                .map(|p| c_string(p.as_os_str()))
                .transpose()?,
            memory: plan.memory,
            file_size: plan.file_size,
            // Ourselves as ourselves: files the program makes belong to the learner, as
            // without a namespace.
            uid_map: format!("{uid} {uid} 1\n").into_bytes(),
            gid_map: format!("{gid} {gid} 1\n").into_bytes(),
            network: plan.network,
            tmp: plan
                .tmp
                .as_deref()
                .map(|p| c_string(p.as_os_str()))
                .transpose()?,
        })
    }
}

/// `program` as a path `execve` can take: looked up in `PATH` when it has no `/`.
fn find_program(program: &Path) -> io::Result<PathBuf> {
    if program.as_os_str().as_bytes().contains(&b'/') {
        return Ok(program.to_path_buf());
    }
    let path =
        std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into());
    for dir in std::env::split_paths(&path) {
        let candidate = dir.join(program);
        if let Ok(meta) = candidate.metadata() {
            use std::os::unix::fs::PermissionsExt;
            if meta.is_file() && meta.permissions().mode() & 0o111 != 0 {
                return Ok(candidate);
            }
        }
    }
    Err(io::Error::new(
        io::ErrorKind::NotFound,
        format!("{} is not on the PATH", program.display()),
    ))
}

#[cfg(target_os = "linux")]
fn start(
    p: &Prepared,
    fds: &Fds,
    namespaces: bool,
) -> io::Result<(libc::pid_t, Containment)> {
    if namespaces {
        // With a mount namespace if allowed (private /proc, TMPDIR, /dev/shm), and without
        // the network if asked; else with less.
        let net = if p.network { 0 } else { libc::CLONE_NEWNET };
        let pid_ns = libc::CLONE_NEWUSER | libc::CLONE_NEWPID;
        for flags in [
            pid_ns | libc::CLONE_NEWNS | net,
            pid_ns | libc::CLONE_NEWNS,
            pid_ns,
        ] {
            let mounts = flags & libc::CLONE_NEWNS;
            match clone_process(flags) {
                // SAFETY: in the child of a fork-like clone; `init` only makes
                // async-signal-safe calls on memory prepared before the clone, and never
                // returns.
                0 => unsafe { init(p, fds, Some(mounts != 0)) },
                pid if pid > 0 => {
                    return Ok((pid, Containment::PidNamespace));
                }
                // Not allowed here (no user namespaces, a seccomp filter, a container).
                _ => {}
            }
        }
    }
    match clone_process(0) {
        // SAFETY: as above.
        0 => unsafe { init(p, fds, None) },
        pid if pid > 0 => Ok((pid, Containment::Subreaper)),
        _ => Err(io::Error::last_os_error()),
    }
}

/// A fork that runs no `pthread_atfork` handlers and takes no glibc lock (unlike `fork()`), so
/// the child of a multi-threaded process cannot deadlock; with namespace flags, the child is
/// the first process of new namespaces.
#[cfg(target_os = "linux")]
fn clone_process(flags: libc::c_int) -> libc::pid_t {
    // SAFETY: without CLONE_VM or a new stack this is fork: the child gets a copy of our
    // memory and resumes here. Arguments past the flags are null (no TID or TLS pointers).
    // Their order differs between architectures, but all are zero.
    unsafe {
        libc::syscall(
            libc::SYS_clone,
            (flags | libc::SIGCHLD) as libc::c_ulong,
            0usize,
            0usize,
            0usize,
            0usize,
        ) as libc::pid_t
    }
}

/// The init (in a PID namespace: `namespace` says whether it has a mount namespace too) or
/// the supervisor (a subreaper, `namespace` is `None`): starts the program, then waits for it
/// and reports how it ended.
///
/// # Safety
/// Only in the child of [`clone_process`], with `p` and `fds` prepared before it.
#[cfg(target_os = "linux")]
unsafe fn init(p: &Prepared, fds: &Fds, namespace: Option<bool>) -> ! {
    let mounts = namespace == Some(true);
    let namespace = namespace.is_some();
    // SAFETY (for the whole function): only system calls and async-signal-safe libc
    // functions, on stack memory and memory prepared before the clone.
    unsafe {
        if namespace {
            // The caller's death (any way, SIGKILL included) kills the init, and with it the
            // whole namespace. First thing, to keep the window before it small.
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
        }
        // A status record to a caller that is gone must not end us before the cleanup.
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
        // Not the caller's terminal, nor any descriptor it had open (a pipe of another run
        // kept open here would keep that run waiting).
        for target in 0..3 {
            libc::dup2(fds.devnull, target);
        }
        close_all_but(&[
            fds.devnull,
            fds.stdout,
            fds.stderr,
            fds.hand_back,
            fds.status,
            fds.lifeline,
        ]);
        if namespace {
            // Unprivileged processes must give up setgroups before mapping their group.
            write_file(c"/proc/self/setgroups", b"deny");
            write_file(c"/proc/self/uid_map", &p.uid_map);
            write_file(c"/proc/self/gid_map", &p.gid_map);
            if mounts {
                private_mounts(p);
            }
        } else {
            // Orphans of the program come to us, not to the system's init.
            libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1);
        }
        // The caller died before the parent-death signal was set, or before the lifeline was
        // watched: stop now.
        if lifeline_closed(fds.lifeline, 0) {
            libc::_exit(0);
        }
        libc::setsid();
        let me = libc::getpid();
        let program = clone_process(0);
        if program == 0 {
            exec_program(p, fds, me);
        }
        if program < 0 {
            record(fds.status, EXEC_FAILED, errno());
            libc::_exit(0);
        }
        record(fds.status, STARTED, program);
        // Only the program holds its output now: the caller sees the end of it when the
        // program's processes are gone.
        for fd in [fds.stdout, fds.stderr, fds.hand_back] {
            if fd >= 0 {
                libc::close(fd);
            }
        }
        loop {
            let mut status = 0;
            let flags = libc::WUNTRACED
                | libc::WCONTINUED
                | if namespace { 0 } else { libc::WNOHANG };
            let pid = libc::waitpid(-1, &mut status, flags);
            if pid == program {
                if libc::WIFSTOPPED(status) {
                    record(fds.status, STOPPED, libc::WSTOPSIG(status));
                } else if libc::WIFCONTINUED(status) {
                    record(fds.status, CONTINUED, 0);
                } else {
                    // In a namespace the kernel kills the rest when we exit.
                    if !namespace {
                        kill_tree(program);
                    }
                    record(fds.status, WAIT_STATUS, status);
                    libc::_exit(0);
                }
            } else if pid > 0 {
                continue; // an orphan of the program, reaped
            } else if pid < 0 && errno() == libc::EINTR {
                continue;
            } else if pid < 0 && errno() == libc::ECHILD {
                libc::_exit(0);
            } else if !namespace && lifeline_closed(fds.lifeline, 20) {
                // The caller asked us to stop, or died.
                kill_tree(program);
                libc::_exit(0);
            }
        }
    }
}

/// In a new mount namespace (before the program starts): nothing mounted here reaches the
/// system; a /proc that shows only the namespace's processes (not the caller's, nor its
/// descriptors under /proc/PID/fd); size-capped tmpfs on /dev/shm and the program's
/// temporary folder; an empty /dev/pts, so the caller's terminal cannot be opened by its
/// path. /tmp itself stays as it is (the project or its binary may be there). A mount that
/// fails (a locked-down container) is skipped: the rest still holds.
///
/// # Safety
/// As [`init`].
#[cfg(target_os = "linux")]
unsafe fn private_mounts(p: &Prepared) {
    // SAFETY: as in `init`; every string is NUL-terminated.
    unsafe {
        let none = std::ptr::null::<libc::c_char>();
        if libc::mount(
            none,
            c"/".as_ptr(),
            none,
            libc::MS_REC | libc::MS_PRIVATE,
            std::ptr::null(),
        ) != 0
        {
            return; // without this, mounts could propagate to the system: none at all
        }
        let tmpfs = c"tmpfs".as_ptr();
        let flags = libc::MS_NOSUID | libc::MS_NODEV;
        libc::mount(
            c"proc".as_ptr(),
            c"/proc".as_ptr(),
            c"proc".as_ptr(),
            flags | libc::MS_NOEXEC,
            std::ptr::null(),
        );
        libc::mount(
            tmpfs,
            c"/dev/shm".as_ptr(),
            tmpfs,
            flags,
            c"size=64m,mode=1777".as_ptr().cast(),
        );
        libc::mount(
            tmpfs,
            c"/dev/pts".as_ptr(),
            tmpfs,
            flags | libc::MS_NOEXEC,
            c"size=4k,mode=755".as_ptr().cast(),
        );
        if let Some(tmp) = &p.tmp {
            libc::mount(
                tmpfs,
                tmp.as_ptr(),
                tmpfs,
                flags,
                c"size=128m,mode=700".as_ptr().cast(),
            );
        }
    }
}

/// In the program's process, before `execve`.
///
/// # Safety
/// As [`init`].
#[cfg(target_os = "linux")]
unsafe fn exec_program(p: &Prepared, fds: &Fds, parent: libc::pid_t) -> ! {
    // SAFETY: as in `init`.
    unsafe {
        // Its own group, so the supervisor can stop it and what it did not move elsewhere.
        libc::setpgid(0, 0);
        // Without a namespace, the program can kill its supervisor: it dies with it then.
        // (In a namespace the init's end kills it anyway.)
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
        if libc::getppid() != parent {
            libc::_exit(127); // the supervisor died before the line above
        }
        // Signals as a fresh program expects them: nothing blocked, nothing ignored (the
        // caller ignores SIGPIPE, and ignored signals would survive the exec).
        let mut none: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut none);
        libc::sigprocmask(libc::SIG_SETMASK, &none, std::ptr::null_mut());
        for sig in 1..32 {
            if sig != libc::SIGKILL && sig != libc::SIGSTOP {
                libc::signal(sig, libc::SIG_DFL);
            }
        }
        let limit = |resource, bytes: u64| {
            let l = libc::rlimit {
                rlim_cur: bytes as libc::rlim_t,
                rlim_max: bytes as libc::rlim_t,
            };
            libc::setrlimit(resource, &l)
        };
        if let Some(bytes) = p.memory
            && limit(libc::RLIMIT_AS, bytes) != 0
        {
            fail(fds.status);
        }
        if let Some(bytes) = p.file_size
            && limit(libc::RLIMIT_FSIZE, bytes) != 0
        {
            fail(fds.status);
        }
        // A crash leaves no core file in the learner's folder.
        limit(libc::RLIMIT_CORE, 0);
        libc::dup2(fds.devnull, 0);
        libc::dup2(fds.stdout, 1);
        libc::dup2(fds.stderr, 2);
        if fds.hand_back >= 0 {
            libc::dup2(fds.hand_back, 3);
        }
        if let Some(cwd) = &p.cwd
            && libc::chdir(cwd.as_ptr()) != 0
        {
            fail(fds.status);
        }
        // Every other descriptor is close-on-exec (status included).
        libc::execve(p.program.as_ptr(), p.argv.as_ptr(), p.envp.as_ptr());
        fail(fds.status)
    }
}

/// Report `errno` as the reason the program did not start, and end this process.
///
/// # Safety
/// As [`init`].
#[cfg(target_os = "linux")]
unsafe fn fail(status: RawFd) -> ! {
    record(status, EXEC_FAILED, errno());
    // SAFETY: _exit is async-signal-safe and skips every atexit handler of the copy.
    unsafe { libc::_exit(127) }
}

#[cfg(target_os = "linux")]
fn errno() -> i32 {
    io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

/// One 8-byte record on the status pipe (a pipe write this small is atomic).
fn record(fd: RawFd, tag: u32, value: i32) {
    let mut bytes = [0u8; 8];
    bytes[..4].copy_from_slice(&tag.to_ne_bytes());
    bytes[4..].copy_from_slice(&value.to_ne_bytes());
    // SAFETY: writes 8 bytes from a stack buffer.
    unsafe { libc::write(fd, bytes.as_ptr().cast(), bytes.len()) };
}

/// Write `bytes` to an existing file (the namespace's id maps); errors are ignored: without
/// maps the program runs as the overflow user, which changes nothing it can do.
#[cfg(target_os = "linux")]
fn write_file(path: &std::ffi::CStr, bytes: &[u8]) {
    // SAFETY: open, write and close on a NUL-terminated path and a live buffer.
    unsafe {
        let fd =
            libc::open(path.as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC);
        if fd >= 0 {
            libc::write(fd, bytes.as_ptr().cast(), bytes.len());
            libc::close(fd);
        }
    }
}

/// Whether the caller's end of the lifeline is closed (it asked to stop, or it died), waiting
/// up to `wait_ms` to find out.
#[cfg(target_os = "linux")]
fn lifeline_closed(fd: RawFd, wait_ms: i32) -> bool {
    let mut poll = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd on the stack.
    let r = unsafe { libc::poll(&mut poll, 1, wait_ms) };
    r > 0 && poll.revents != 0
}

/// Close every descriptor from 3 up except those in `keep` (-1 entries are ignored).
#[cfg(target_os = "linux")]
fn close_all_but(keep: &[RawFd; 6]) {
    let mut sorted = *keep;
    sorted.sort_unstable();
    let mut from: RawFd = 3;
    for &fd in sorted.iter().filter(|&&fd| fd >= 3) {
        if fd > from {
            close_range(from, fd - 1);
        }
        from = from.max(fd + 1);
    }
    close_range(from, RawFd::MAX);
}

#[cfg(target_os = "linux")]
fn close_range(from: RawFd, to: RawFd) {
    // SAFETY: close_range only closes descriptors; the ones we keep are outside the range.
    let r = unsafe {
        libc::syscall(libc::SYS_close_range, from as u32, to as u32, 0u32)
    };
    if r != 0 {
        // Older kernels (before 5.9): one by one, up to the descriptor limit.
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit fills a stack struct.
        unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) };
        let last = (limit.rlim_cur.min(1 << 16) as RawFd).min(to);
        for fd in from..=last {
            // SAFETY: as above.
            unsafe { libc::close(fd) };
        }
    }
}

/// Kill `program`'s group and every process we inherited, until none is left (subreaper).
#[cfg(target_os = "linux")]
fn kill_tree(program: libc::pid_t) {
    // SAFETY: kill and waitpid with valid arguments; `children` reads into the stack.
    unsafe {
        libc::kill(-program, libc::SIGKILL);
        // Each round kills our children; their children then come to us, for the next round.
        for _ in 0..100_000 {
            for_each_child(|pid| {
                libc::kill(pid, libc::SIGKILL);
            });
            let mut status = 0;
            if libc::waitpid(-1, &mut status, 0) < 0
                && errno() == libc::ECHILD
            {
                return;
            }
        }
    }
}

/// Call `f` with each of this (single-threaded) process's children, from
/// `/proc/self/task/PID/children`.
#[cfg(target_os = "linux")]
fn for_each_child(mut f: impl FnMut(libc::pid_t)) {
    // "/proc/self/task/" + pid + "/children\0", built without allocating.
    let mut path = [0u8; 64];
    let mut len = 0;
    let mut push = |bytes: &[u8]| {
        for &b in bytes {
            if len < path.len() - 1 {
                path[len] = b;
                len += 1;
            }
        }
    };
    push(b"/proc/self/task/");
    // SAFETY: getpid cannot fail.
    let mut pid = unsafe { libc::getpid() } as u32;
    let mut digits = [0u8; 10];
    let mut n = 0;
    loop {
        digits[n] = b'0' + (pid % 10) as u8;
        n += 1;
        pid /= 10;
        if pid == 0 || n == digits.len() {
            break;
        }
    }
    digits[..n].reverse();
    push(&digits[..n]);
    push(b"/children");
    // SAFETY: `path` is NUL-terminated (zeroed, and `push` leaves the last byte).
    let fd = unsafe {
        libc::open(path.as_ptr().cast(), libc::O_RDONLY | libc::O_CLOEXEC)
    };
    if fd < 0 {
        return;
    }
    let mut buf = [0u8; 512];
    let mut number: Option<u32> = None;
    loop {
        // SAFETY: reads into a stack buffer of that size.
        let r =
            unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
        if r <= 0 {
            break;
        }
        for &b in &buf[..r as usize] {
            if b.is_ascii_digit() {
                number = Some(
                    number
                        .unwrap_or(0)
                        .saturating_mul(10)
                        .saturating_add((b - b'0') as u32),
                );
            } else if let Some(pid) = number.take() {
                f(pid as libc::pid_t);
            }
        }
    }
    if let Some(pid) = number {
        f(pid as libc::pid_t);
    }
    // SAFETY: closes the descriptor opened above.
    unsafe { libc::close(fd) };
}

/// Elsewhere: a session and process group of its own, killed as a group.
#[cfg(not(target_os = "linux"))]
fn start(
    p: &Prepared,
    fds: &Fds,
    _namespaces: bool,
) -> io::Result<(libc::pid_t, Containment)> {
    // SAFETY: fork, then in the child only async-signal-safe calls on prepared memory.
    unsafe {
        let pid = libc::fork();
        if pid == 0 {
            libc::setsid();
            for fd in [fds.lifeline] {
                libc::close(fd);
            }
            let limit = |resource, bytes: u64| {
                let l = libc::rlimit {
                    rlim_cur: bytes as libc::rlim_t,
                    rlim_max: bytes as libc::rlim_t,
                };
                libc::setrlimit(resource, &l)
            };
            if let Some(bytes) = p.memory {
                limit(libc::RLIMIT_AS, bytes);
            }
            if let Some(bytes) = p.file_size {
                limit(libc::RLIMIT_FSIZE, bytes);
            }
            libc::dup2(fds.devnull, 0);
            libc::dup2(fds.stdout, 1);
            libc::dup2(fds.stderr, 2);
            if fds.hand_back >= 0 {
                libc::dup2(fds.hand_back, 3);
            }
            if let Some(cwd) = &p.cwd {
                libc::chdir(cwd.as_ptr());
            }
            libc::execve(
                p.program.as_ptr(),
                p.argv.as_ptr(),
                p.envp.as_ptr(),
            );
            let e = *libc::__error();
            record(fds.status, EXEC_FAILED, e);
            libc::_exit(127);
        }
        if pid < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok((pid, Containment::ProcessGroup))
    }
}

// ---------------------------------------------------------------------------------------------
// The other calls into libc the tool needs.

/// Take the exclusive `flock` on `file`, waiting up to `limit` for another process to let go.
pub fn lock_exclusive(file: &File, limit: Duration) -> io::Result<()> {
    let deadline = Instant::now() + limit;
    loop {
        // SAFETY: flock on a descriptor we own.
        let r = unsafe {
            libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB)
        };
        if r == 0 {
            return Ok(());
        }
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::WouldBlock
            && e.kind() != io::ErrorKind::Interrupted
        {
            return Err(e);
        }
        if Instant::now() >= deadline {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "another asyncscope kept it locked",
            ));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// What [`read_stdin`] found.
pub enum StdinRead {
    /// Nothing within the wait.
    Nothing,
    Bytes(usize),
    /// Hung up, closed or failed: no more keys.
    Closed,
}

/// Wait up to `wait` for standard input, then read what is there into `buf` (a raw terminal
/// sends each key as soon as it is typed).
pub fn read_stdin(wait: Duration, buf: &mut [u8]) -> StdinRead {
    let mut fd = libc::pollfd {
        fd: libc::STDIN_FILENO,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd, for the call's duration.
    let ready =
        unsafe { libc::poll(&mut fd, 1, wait.as_millis() as libc::c_int) };
    if ready < 0 {
        let e = io::Error::last_os_error();
        return if e.kind() == io::ErrorKind::Interrupted {
            StdinRead::Nothing
        } else {
            StdinRead::Closed
        };
    }
    if ready == 0 {
        return StdinRead::Nothing;
    }
    if fd.revents & libc::POLLIN == 0 {
        return StdinRead::Closed; // POLLHUP, POLLERR, POLLNVAL: the terminal is gone
    }
    // SAFETY: reads at most `buf.len()` bytes into `buf`.
    let n = unsafe {
        libc::read(libc::STDIN_FILENO, buf.as_mut_ptr().cast(), buf.len())
    };
    if n < 0 {
        let e = io::Error::last_os_error();
        return match e.kind() {
            io::ErrorKind::Interrupted | io::ErrorKind::WouldBlock => {
                StdinRead::Nothing
            }
            _ => StdinRead::Closed,
        };
    }
    if n == 0 {
        return StdinRead::Closed; // end of input
    }
    StdinRead::Bytes(n as usize)
}

/// Handlers for `signals` that set `flag`; the previous ones come back when this is dropped.
pub struct SignalFlag {
    previous: Vec<(libc::c_int, libc::sighandler_t)>,
}

static FLAG: std::sync::atomic::AtomicPtr<std::sync::atomic::AtomicBool> =
    std::sync::atomic::AtomicPtr::new(std::ptr::null_mut());

extern "C" fn on_signal(_: libc::c_int) {
    let flag = FLAG.load(std::sync::atomic::Ordering::SeqCst);
    // SAFETY: FLAG only ever holds null or a `&'static AtomicBool`.
    if let Some(flag) = unsafe { flag.as_ref() } {
        flag.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

impl SignalFlag {
    /// SIGINT, SIGTERM and SIGHUP set `flag` (one flag per process at a time).
    pub fn install(
        flag: &'static std::sync::atomic::AtomicBool,
    ) -> SignalFlag {
        FLAG.store(
            flag as *const _ as *mut std::sync::atomic::AtomicBool,
            std::sync::atomic::Ordering::SeqCst,
        );
        let handler =
            on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
        let previous = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP]
            .into_iter()
            // SAFETY: the handler only loads and stores atomics, which is async-signal-safe.
            .map(|sig| (sig, unsafe { libc::signal(sig, handler) }))
            .collect();
        SignalFlag { previous }
    }
}

impl Drop for SignalFlag {
    fn drop(&mut self) {
        for &(sig, previous) in &self.previous {
            if previous != libc::SIG_ERR {
                // SAFETY: puts back the disposition that was there before.
                unsafe {
                    libc::signal(sig, previous);
                }
            }
        }
    }
}

/// Let SIGPIPE end the process quietly, as it does other command-line tools
/// (`asyncscope exercises | head -3`). Rust ignores it by default, which turns a closed pipe
/// into a panic at the next `println!`. For commands that only print.
pub fn restore_default_sigpipe() {
    // SAFETY: sets the disposition of one signal to its default; no handler runs.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Lower the calling thread's priority (nice 10), so that the UI thread gets the cores first.
/// On Linux a thread's nice value is its own; elsewhere this does nothing.
pub fn lower_thread_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: a plain system call on the calling thread, no memory passed.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 10);
    }
}

/// Our real user id.
pub fn user_id() -> u32 {
    // SAFETY: getuid cannot fail and touches no memory.
    unsafe { libc::getuid() }
}

/// Whether a process `pid` exists (in our PID namespace).
pub fn process_exists(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: signal 0 only checks that the process exists; nothing is sent.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}
