//! Build an exercise and run it in a child process with limits, so hostile code (a hang, a
//! panic, `process::exit`, a huge allocation, a flood of output) ends in a clear verdict and
//! never freezes the tool.

use super::harness::TRACE_ENV;
use crate::trace::{Trace, jsonl};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// What a child may use.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub wall: Duration,
    /// Address space, in bytes (RLIMIT_AS).
    pub memory: u64,
    /// Output kept per stream; past `flood` bytes in all, the child is stopped.
    pub keep_output: usize,
    pub flood: usize,
}

impl Limits {
    pub fn with_wall(seconds: f64) -> Limits {
        Limits {
            wall: Duration::from_secs_f64(seconds),
            memory: 2 << 30,
            keep_output: 16 << 10,
            flood: 4 << 20,
        }
    }
}

/// How a run ended.
#[derive(Debug)]
pub enum Verdict {
    /// It ran to the end and handed its trace back.
    Finished(Box<Trace>),
    /// Still running at the wall-clock limit: stopped.
    TimedOut(Duration),
    /// The main thread panicked (panics inside tasks are caught by tokio and graded instead).
    Panicked(String),
    /// It called `process::exit` (or returned early) without handing a trace back.
    Exited(i32),
    /// It asked for more memory than it may use.
    OutOfMemory,
    /// It printed more than the output limit.
    OutputFlood(usize),
    /// Killed by a signal (a crash).
    Crashed(String),
    /// It finished but its trace could not be read.
    BadTrace(String),
}

impl Verdict {
    /// A sentence for the learner.
    pub fn describe(&self) -> String {
        match self {
            Verdict::Finished(_) => "ran to the end".into(),
            Verdict::TimedOut(d) => format!(
                "did not finish within {} and was stopped: an endless loop, or a thread \
                 blocked forever (a std Mutex, a blocking call)?",
                seconds(*d)
            ),
            Verdict::Panicked(msg) => format!("panicked: {msg}"),
            Verdict::Exited(0) => "ended without handing its run over to be graded: does \
                 `main` still call the kit's `run`?"
                .into(),
            Verdict::Exited(code) => format!(
                "exited with code {code} before handing its run over to be graded (a call to \
                 process::exit?)"
            ),
            Verdict::OutOfMemory => {
                "asked for more memory than an exercise may use (2 GiB) and was stopped".into()
            }
            Verdict::OutputFlood(n) => format!(
                "printed more than {} and was stopped: a print inside an endless loop?",
                size(*n)
            ),
            Verdict::Crashed(how) => format!("crashed ({how})"),
            Verdict::BadTrace(e) => format!("finished, but its trace could not be read: {e}"),
        }
    }
}

/// `3 s`, `0.5 s`.
fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0} s")
    } else {
        format!("{s:.1} s")
    }
}

/// `4 MiB`, `512 KiB`, `300 bytes` (rounded down).
fn size(bytes: usize) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

/// A run's verdict and what it printed.
#[derive(Debug)]
pub struct RunReport {
    pub verdict: Verdict,
    pub stdout: String,
    pub stderr: String,
    pub wall: Duration,
}

/// Build one binary of a Cargo package in the workspace at `root`. `Err` holds cargo's own
/// output (with colour when asked), for compile errors.
pub fn build(
    root: &Path,
    package: &str,
    bin: &str,
    color: bool,
) -> Result<PathBuf, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(root)
        .args(["build", "--quiet", "-p", package, "--bin", bin])
        .arg(if color {
            "--color=always"
        } else {
            "--color=never"
        })
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("could not start cargo: {e}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    Ok(target.join("debug").join(bin))
}

/// Run a built exercise binary under `limits` and collect its trace.
///
/// The child runs in its own process group, so whatever it starts is stopped with it, and it
/// dies with the thread that started it (Linux), so an interrupted `asyncscope` leaves nothing
/// running.
pub fn run(binary: &Path, limits: Limits) -> RunReport {
    let trace_path = std::env::temp_dir().join(format!(
        "asyncscope-trace-{}-{}.jsonl",
        std::process::id(),
        unique()
    ));
    let _ = std::fs::remove_file(&trace_path);
    let start = Instant::now();
    let mut command = Command::new(binary);
    command
        .env(TRACE_ENV, &trace_path)
        // Few malloc arenas, so the address-space limit measures the program, not glibc.
        .env("MALLOC_ARENA_MAX", "2")
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    {
        use std::os::unix::process::CommandExt;
        command.process_group(0);
    }
    contain(&mut command, limits.memory);
    let mut child = match command.spawn() {
        Ok(c) => c,
        Err(e) => {
            return RunReport {
                verdict: Verdict::Crashed(format!("could not start: {e}")),
                stdout: String::new(),
                stderr: String::new(),
                wall: start.elapsed(),
            };
        }
    };
    let pid = child.id() as libc::pid_t;

    let total = Arc::new(AtomicUsize::new(0));
    let flooded = Arc::new(AtomicBool::new(false));
    let out =
        drain(child.stdout.take(), limits, total.clone(), flooded.clone());
    let err =
        drain(child.stderr.take(), limits, total.clone(), flooded.clone());

    let status = loop {
        if has_exited(pid) {
            // Before reaping it (its pid still names the group): stop what it left behind, so
            // nothing keeps its output open.
            kill_group(pid);
            break child.wait().ok();
        }
        if flooded.load(Ordering::Relaxed) || start.elapsed() >= limits.wall
        {
            kill_group(pid);
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let wall = start.elapsed();
    // The pipes close when the group is gone; a process that left the group may still hold
    // them, so wait only a moment for the rest of the output.
    let deadline = Instant::now() + Duration::from_secs(1);
    let stdout = out.finish(deadline);
    let stderr = err.finish(deadline);

    let verdict = match status {
        None if flooded.load(Ordering::Relaxed) => {
            Verdict::OutputFlood(total.load(Ordering::Relaxed))
        }
        None => Verdict::TimedOut(limits.wall),
        Some(status) => judge_exit(status, &stderr, &trace_path),
    };
    let _ = std::fs::remove_file(&trace_path);
    RunReport {
        verdict,
        stdout,
        stderr,
        wall,
    }
}

/// Whether process `pid` (our child) has ended, without reaping it.
fn has_exited(pid: libc::pid_t) -> bool {
    // SAFETY: `info` is a plain C struct, written by waitid; WNOWAIT leaves the child waitable.
    unsafe {
        let mut info: libc::siginfo_t = std::mem::zeroed();
        let r = libc::waitid(
            libc::P_PID,
            pid as libc::id_t,
            &mut info,
            libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
        );
        // An error means there is nothing left to wait for: `wait` will say how it ended.
        r != 0 || info.si_pid() != 0
    }
}

/// SIGKILL every process in the group led by `pid`.
fn kill_group(pid: libc::pid_t) {
    // SAFETY: kill has no memory-safety preconditions.
    unsafe {
        libc::kill(-pid, libc::SIGKILL);
    }
}

fn judge_exit(
    status: std::process::ExitStatus,
    stderr: &str,
    trace: &Path,
) -> Verdict {
    use std::os::unix::process::ExitStatusExt;
    let out_of_memory = stderr.contains("memory allocation of")
        || stderr.contains("capacity overflow");
    if let Some(signal) = status.signal() {
        return if out_of_memory {
            Verdict::OutOfMemory
        } else if stderr.contains("has overflowed its stack") {
            Verdict::Crashed(
                "its stack overflowed: a function that calls itself without end?".into(),
            )
        } else {
            Verdict::Crashed(signal_name(signal))
        };
    }
    match status.code() {
        Some(0) if trace.exists() => match jsonl::load(trace) {
            Ok(t) => Verdict::Finished(Box::new(t)),
            Err(e) => Verdict::BadTrace(e.to_string()),
        },
        Some(101) => Verdict::Panicked(panic_message(stderr)),
        _ if out_of_memory => Verdict::OutOfMemory,
        Some(code) => Verdict::Exited(code),
        None => Verdict::Crashed("no exit code".into()),
    }
}

/// A signal's name and, for the usual ones, what tends to cause it.
fn signal_name(signal: i32) -> String {
    match signal {
        libc::SIGSEGV => "signal 11, SIGSEGV: a bad memory access".into(),
        libc::SIGABRT => "signal 6, SIGABRT: it aborted".into(),
        libc::SIGBUS => "signal 7, SIGBUS: a bad memory access".into(),
        libc::SIGFPE => "signal 8, SIGFPE: an arithmetic error".into(),
        libc::SIGILL => "signal 4, SIGILL: an illegal instruction".into(),
        libc::SIGKILL => {
            "signal 9, SIGKILL: killed from outside, perhaps by the system for lack of memory"
                .into()
        }
        n => format!("signal {n}"),
    }
}

/// The panic's message and where it happened, from what the child printed:
/// `thread 'main' (123) panicked at src/x.rs:6:9:` then the message gives
/// `the message (at src/x.rs:6:9)`.
fn panic_message(stderr: &str) -> String {
    let mut lines =
        stderr.lines().skip_while(|l| !l.contains("panicked at"));
    let Some(header) = lines.next() else {
        return "the program panicked".into();
    };
    let (who, place) =
        header.split_once(" panicked at ").unwrap_or(("", header));
    let place = place.trim().trim_end_matches(':');
    // `thread 'name' (id)`: name a thread only when it is not the main one.
    let thread = who
        .split('\'')
        .nth(1)
        .filter(|name| *name != "main")
        .map(|name| format!("in thread `{name}`, "))
        .unwrap_or_default();
    let message = lines
        .next()
        .map(str::trim)
        .filter(|m| !m.is_empty() && !m.starts_with("note: "))
        .unwrap_or("no message");
    format!("{message} ({thread}at {place})")
}

/// What one stream of the child printed: the beginning, and the end (where a panic or an
/// allocation failure is reported), with how much was left out between them.
#[derive(Default)]
struct Captured {
    head: Vec<u8>,
    tail: std::collections::VecDeque<u8>,
    skipped: usize,
}

/// Kept from the end of each stream, beyond `keep_output` from its beginning.
const KEEP_TAIL: usize = 4 << 10;

impl Captured {
    fn push(&mut self, bytes: &[u8], keep_head: usize) {
        let room = keep_head.saturating_sub(self.head.len());
        let (head, rest) = bytes.split_at(bytes.len().min(room));
        self.head.extend_from_slice(head);
        self.tail.extend(rest);
        let over = self.tail.len().saturating_sub(KEEP_TAIL);
        self.tail.drain(..over);
        self.skipped += over;
    }

    fn text(&self) -> String {
        let mut bytes = self.head.clone();
        if self.skipped > 0 {
            bytes.extend_from_slice(
                format!("\n[… {} bytes left out …]\n", self.skipped)
                    .as_bytes(),
            );
        }
        bytes.extend(self.tail.iter());
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

/// A stream being read by its own thread.
struct Drain {
    captured: Arc<std::sync::Mutex<Captured>>,
    thread: std::thread::JoinHandle<()>,
}

impl Drain {
    /// What was read, once the stream closes or `deadline` passes.
    fn finish(self, deadline: Instant) -> String {
        while !self.thread.is_finished() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(2));
        }
        let captured = match self.captured.lock() {
            Ok(c) => c,
            Err(poisoned) => poisoned.into_inner(),
        };
        captured.text()
    }
}

/// Read a stream to its end, keeping its beginning and end and counting every byte.
fn drain(
    stream: Option<impl Read + Send + 'static>,
    limits: Limits,
    total: Arc<AtomicUsize>,
    flooded: Arc<AtomicBool>,
) -> Drain {
    let captured = Arc::new(std::sync::Mutex::new(Captured::default()));
    let shared = captured.clone();
    let thread = std::thread::spawn(move || {
        let Some(mut stream) = stream else {
            return;
        };
        let mut buf = [0u8; 8192];
        loop {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if let Ok(mut c) = shared.lock() {
                        c.push(&buf[..n], limits.keep_output);
                    }
                    if total.fetch_add(n, Ordering::Relaxed) + n
                        > limits.flood
                    {
                        flooded.store(true, Ordering::Relaxed);
                    }
                }
            }
        }
    });
    Drain { captured, thread }
}

/// In the child, before it starts: cap its address space, and (Linux) have it killed if the
/// thread that started it goes away.
fn contain(command: &mut Command, bytes: u64) {
    use std::os::unix::process::CommandExt;
    // SAFETY: between fork and exec only setrlimit and prctl run, both async-signal-safe.
    unsafe {
        command.pre_exec(move || {
            let limit = libc::rlimit {
                rlim_cur: bytes,
                rlim_max: bytes,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            #[cfg(target_os = "linux")]
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
}

fn unique() -> usize {
    static N: AtomicUsize = AtomicUsize::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}
