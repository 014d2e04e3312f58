//! Build an exercise and run it in a child process with limits, so hostile code (a hang, a
//! panic, `process::exit`, a huge allocation, a flood of output, a fork that tries to outlive
//! the check) ends in a clear verdict and never freezes the tool.
//!
//! Both steps run contained ([`crate::sandbox`]): everything they start dies with them. The
//! trace comes back through a pipe opened here (descriptor 3 of the program), read up to a
//! bounded size; a trace without its header and its run end is refused.

use super::harness::TRACE_ENV;
use crate::sandbox::{self, Containment, Ended, Plan};
use crate::trace::{EventKind, Trace, jsonl};
use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What a child may use.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub wall: Duration,
    /// Address space, in bytes (RLIMIT_AS), per process.
    pub memory: u64,
    /// Output kept per stream; past `flood` bytes in all, the child is stopped.
    pub keep_output: usize,
    pub flood: usize,
    /// The largest file it may write (RLIMIT_FSIZE).
    pub file_size: u64,
    /// Use a PID namespace where the system allows it (false: the fallback, for tests).
    pub namespaces: bool,
}

impl Limits {
    pub fn with_wall(seconds: f64) -> Limits {
        Limits {
            wall: Duration::from_secs_f64(seconds),
            memory: 2 << 30,
            keep_output: 16 << 10,
            flood: 4 << 20,
            file_size: 64 << 20,
            namespaces: true,
        }
    }
}

/// The longest trace read back; a bigger one is refused.
pub const MAX_TRACE: usize = 256 << 20;

/// How long a build may take (waiting for another build's lock included).
pub const BUILD_LIMIT: Duration = Duration::from_secs(120);

/// How a run ended.
#[derive(Debug)]
pub enum Verdict {
    /// It ran to the end and handed its trace back.
    Finished(Box<Trace>),
    /// Still running at the wall-clock limit: stopped.
    TimedOut(Duration),
    /// Stopped by a signal (SIGSTOP, SIGTSTP) and still stopped at the limit.
    Stopped(Duration),
    /// The main thread panicked (panics inside tasks are caught by tokio and graded instead).
    Panicked(String),
    /// It called `process::exit` (or returned early) without handing a trace back.
    Exited(i32),
    /// It asked for more memory than it may use.
    OutOfMemory,
    /// It printed more than the output limit (the limit, in bytes).
    OutputFlood(usize),
    /// It wrote a file larger than the limit (the limit, in bytes).
    FileTooBig(u64),
    /// Killed by a signal (a crash).
    Crashed(String),
    /// It finished but its trace could not be read, or was not a whole run.
    BadTrace(String),
    /// The learner asked to quit while it ran.
    Cancelled,
    /// It could not be started, for a reason that is not the learner's code (said in words).
    NotRun(String),
}

impl Verdict {
    /// A sentence for the learner, continuing "your program …".
    pub fn describe(&self) -> String {
        match self {
            Verdict::Finished(_) => "ran to the end".into(),
            Verdict::TimedOut(d) => format!(
                "did not finish within {} and was stopped: an endless loop, or a thread \
                 blocked forever (a std Mutex, a blocking call)?",
                seconds(*d)
            ),
            Verdict::Stopped(d) => format!(
                "was stopped by a signal (SIGSTOP or SIGTSTP: it stopped itself?) and was \
                 still stopped at the time limit of {}",
                seconds(*d)
            ),
            Verdict::Panicked(msg) => format!("panicked: {msg}"),
            Verdict::Exited(0) => "ended without handing a run over to be graded: does \
                 `main` still call the kit's `run`?"
                .into(),
            Verdict::Exited(code) => format!(
                "exited with code {code} before handing its run over to be graded (a call to \
                 process::exit?)"
            ),
            Verdict::OutOfMemory => {
                "asked for more memory than an exercise may use (2 GiB) and was stopped".into()
            }
            Verdict::OutputFlood(limit) => format!(
                "printed more than {} and was stopped: a print inside an endless loop?",
                size(*limit as u64)
            ),
            Verdict::FileTooBig(limit) => format!(
                "wrote a file larger than {} (the most an exercise may write) and was stopped",
                size(*limit)
            ),
            Verdict::Crashed(how) => format!("crashed ({how})"),
            Verdict::BadTrace(e) => format!("finished, but its run could not be graded: {e}"),
            Verdict::Cancelled => "was stopped because you asked to quit".into(),
            Verdict::NotRun(why) => format!("could not be run: {why}"),
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
fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

/// A run's verdict and what it printed (as visible text: see [`visible`]).
#[derive(Debug)]
pub struct RunReport {
    pub verdict: Verdict,
    pub stdout: String,
    pub stderr: String,
    pub wall: Duration,
    /// How it was contained (`None`: it was not started).
    pub containment: Option<Containment>,
}

/// Why a build gave no binary.
#[derive(Debug)]
pub enum BuildFailed {
    /// Compile errors, as cargo printed them (made visible: see [`visible`]).
    Compile(String),
    /// Still building at the limit: stopped.
    TimedOut(Duration),
    /// The learner asked to quit.
    Cancelled,
    /// Cargo could not be started.
    NotStarted(String),
}

impl std::fmt::Display for BuildFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildFailed::Compile(output) => f.write_str(output),
            BuildFailed::TimedOut(d) => write!(
                f,
                "did not build within {} and the build was stopped: a `const` evaluated in an \
                 endless loop, or `include_bytes!` of something that never ends?",
                seconds(*d)
            ),
            BuildFailed::Cancelled => {
                f.write_str("was not built: the build was stopped because you asked to quit")
            }
            BuildFailed::NotStarted(e) => write!(f, "could not be built: {e}"),
        }
    }
}

/// What a build or run may be told while it goes on.
#[derive(Clone, Copy)]
pub struct Watchers<'a> {
    /// Set (by a signal handler, say) to stop at once.
    pub cancel: &'a AtomicBool,
    /// A line for the learner while it waits ("waiting for another build…").
    pub note: &'a dyn Fn(&str),
}

static NEVER: AtomicBool = AtomicBool::new(false);

impl Watchers<'static> {
    /// Never cancelled, notes dropped.
    pub fn none() -> Watchers<'static> {
        Watchers {
            cancel: &NEVER,
            note: &|_| {},
        }
    }
}

impl<'a> Watchers<'a> {
    /// Never cancelled (Ctrl-C ends the whole process, and the run with it); notes to `note`.
    pub fn with_note(note: &'a dyn Fn(&str)) -> Watchers<'a> {
        Watchers {
            cancel: &NEVER,
            note,
        }
    }
}

/// Said before a build when there is no binary yet (the dependencies are built first).
pub const FIRST_BUILD: &str = "building your exercises for the first time: about a minute, \
                               then a few seconds per check";

/// Said when a build waits for another one (cargo's lock on the target folder).
pub const WAITING_FOR_LOCK: &str =
    "waiting for another build of your exercises to finish…";

/// Build one binary of a Cargo package in the workspace at `root`.
pub fn build(
    root: &Path,
    package: &str,
    bin: &str,
    color: bool,
) -> Result<PathBuf, BuildFailed> {
    build_with(root, package, bin, color, Watchers::none())
}

/// [`build`], contained and limited to [`BUILD_LIMIT`]; `watch.note` hears when it waits for
/// another build.
pub fn build_with(
    root: &Path,
    package: &str,
    bin: &str,
    color: bool,
    watch: Watchers<'_>,
) -> Result<PathBuf, BuildFailed> {
    build_limited(root, package, bin, color, BUILD_LIMIT, watch)
}

/// [`build_with`] with a time `limit` of its own. Cargo and every rustc it starts run
/// contained: at the limit, on a cancel, or when the caller dies, all of them stop (and with
/// them cargo's lock on the target folder).
pub fn build_limited(
    root: &Path,
    package: &str,
    bin: &str,
    color: bool,
    limit: Duration,
    watch: Watchers<'_>,
) -> Result<PathBuf, BuildFailed> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let target = target_dir(root, std::env::var_os("CARGO_TARGET_DIR"));
    let tmp = PrivateTmp::new()
        .map_err(|e| BuildFailed::NotStarted(no_tmp_sentence(&e)))?;
    let (err_read, err_write) = std::io::pipe()
        .map_err(|e| BuildFailed::NotStarted(e.to_string()))?;
    let (out_read, out_write) = std::io::pipe()
        .map_err(|e| BuildFailed::NotStarted(e.to_string()))?;
    let plan = Plan {
        program: PathBuf::from(cargo),
        // Not --quiet: it would hide cargo's "Blocking waiting for file lock".
        args: ["build", "-p", package, "--bin", bin]
            .iter()
            .map(OsString::from)
            .chain([
                OsString::from(if color {
                    "--color=always"
                } else {
                    "--color=never"
                }),
                // Compile errors as usual on stderr; where the binary went, as JSON on stdout
                // (a `build.target-dir` in a Cargo config is not in our environment).
                OsString::from("--message-format=json-render-diagnostics"),
            ])
            .collect(),
        env: vec![
            ("TMPDIR".into(), tmp.path.clone().into_os_string()),
            ("CARGO_TARGET_DIR".into(), target.clone().into_os_string()),
        ],
        cwd: Some(root.to_path_buf()),
        stdout: out_write.into(),
        stderr: err_write.into(),
        hand_back: None,
        memory: None,
        file_size: None,
        namespaces: true,
        // Cargo may have crates to download.
        network: true,
        // rustc's temporary files can be large: the folder stays on the disk (removed after).
        tmp: None,
    };
    let binary = target.join("debug").join(bin);
    if !binary.exists() {
        (watch.note)(FIRST_BUILD);
    }
    let mut child = sandbox::spawn(plan).map_err(|e| {
        BuildFailed::NotStarted(format!("could not start cargo: {e}"))
    })?;
    let limits = Limits {
        keep_output: 1 << 20,
        flood: usize::MAX,
        ..Limits::with_wall(limit.as_secs_f64())
    };
    let stderr = drain(
        Some(err_read),
        limits,
        Default::default(),
        Default::default(),
    );
    let messages = drain(
        Some(out_read),
        Limits {
            keep_output: 64 << 20,
            ..limits
        },
        Default::default(),
        Default::default(),
    );
    let start = Instant::now();
    let mut told = false;
    let ended = loop {
        if let Some(ended) = child.try_wait() {
            break Some(matches!(ended, Ended::Exited(0)));
        }
        if !told && stderr.contains("Blocking waiting for file lock") {
            told = true;
            (watch.note)(WAITING_FOR_LOCK);
        }
        if watch.cancel.load(Ordering::SeqCst) || start.elapsed() >= limit {
            child.kill();
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    drop(child);
    let output = stderr.finish(Instant::now() + Duration::from_secs(1));
    match ended {
        Some(true) => {}
        Some(false) => {
            return Err(BuildFailed::Compile(visible(
                &cargo_messages(&output),
                color,
            )));
        }
        None if watch.cancel.load(Ordering::SeqCst) => {
            return Err(BuildFailed::Cancelled);
        }
        None => return Err(BuildFailed::TimedOut(limit)),
    }
    let messages = messages.finish(Instant::now() + Duration::from_secs(1));
    Ok(built_executable(&messages, bin).unwrap_or(binary))
}

/// Where cargo builds the crate at `root`: `CARGO_TARGET_DIR`, else `root/target`; a crate
/// kept inside a target folder (the reference solutions of a learner folder) builds into that
/// folder, reusing the dependencies the learner's builds compiled.
fn target_dir(root: &Path, from_env: Option<OsString>) -> PathBuf {
    let dir = if let Some(dir) = from_env {
        PathBuf::from(dir)
    } else {
        match root.parent() {
            Some(parent)
                if parent.file_name() == Some("target".as_ref()) =>
            {
                parent.to_path_buf()
            }
            _ => root.join("target"),
        }
    };
    // Absolute: cargo runs in `root` and would read a relative path from there.
    std::path::absolute(&dir).unwrap_or(dir)
}

/// Where cargo put binary `bin`, from its JSON messages (the last artifact of that name).
fn built_executable(messages: &str, bin: &str) -> Option<PathBuf> {
    messages
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|m| {
            m["reason"] == "compiler-artifact" && m["target"]["name"] == bin
        })
        .filter_map(|m| m["executable"].as_str().map(PathBuf::from))
        .next_back()
}

/// Cargo's output without its progress lines (`Compiling …`, `Blocking …`), as `--quiet` would
/// print it.
fn cargo_messages(output: &str) -> String {
    const STATUS: [&str; 12] = [
        "Compiling",
        "Blocking",
        "Finished",
        "Building",
        "Checking",
        "Fresh",
        "Running",
        "Locking",
        "Adding",
        "Updating",
        "Downloading",
        "Downloaded",
    ];
    let mut kept = String::new();
    for line in output.split_inclusive('\n') {
        // A status is right-aligned in 12 columns: `   Compiling x`, `  Downloaded x`.
        let plain = strip_sgr(line);
        let is_status = plain.get(..12).is_some_and(|verb| {
            verb.starts_with(' ') && STATUS.contains(&verb.trim_start())
        }) && plain[12..].starts_with(' ');
        if !is_status {
            kept += line;
        }
    }
    kept
}

/// `text` without its colour sequences (`ESC [ … m`).
fn strip_sgr(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('\x1b') {
        out += &rest[..at];
        rest = &rest[at..];
        match sgr_len(rest) {
            Some(n) => rest = &rest[n..],
            None => {
                out.push('\x1b');
                rest = &rest[1..];
            }
        }
    }
    out + rest
}

/// The length of the colour sequence `ESC [ digits;… m` at the start of `text`, if it is one.
fn sgr_len(text: &str) -> Option<usize> {
    let body = text.strip_prefix("\x1b[")?;
    let end = body.find(|c: char| !(c.is_ascii_digit() || c == ';'))?;
    (body[end..].starts_with('m') && end <= 32).then_some(2 + end + 1)
}

/// Text from a learner's program, safe to print: control characters and escape sequences are
/// shown as `\x1b`, `\x07`, `\u{9b}`, … (never interpreted by the terminal), and so are the
/// invisible characters that reorder text. Line breaks and tabs stay; with `keep_color`,
/// plain colour sequences (`ESC [ … m`, as cargo prints them) stay too.
pub fn visible(text: &str, keep_color: bool) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '\n' | '\t' => out.push(c),
            '\x1b' if keep_color && sgr_len(&text[at..]).is_some() => {
                let n = sgr_len(&text[at..]).unwrap_or(1);
                out += &text[at..at + n];
                for _ in 1..n {
                    chars.next();
                }
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            // C1 controls (U+0080–U+009F: some terminals take U+009B as ESC [), and the
            // bidirectional overrides and isolates that make text read differently than it is.
            c if (0x80..0xa0).contains(&(c as u32))
                || ('\u{202a}'..='\u{202e}').contains(&c)
                || ('\u{2066}'..='\u{2069}').contains(&c) =>
            {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    without_manifest_detour(out)
}

/// In a checkout, cargo names the exercises' files by way of their manifests' folders
/// (`crates/asyncscope-exercises/../../exercises/fetch_all.rs`): the learner reads the path
/// they edit (`exercises/fetch_all.rs`).
fn without_manifest_detour(text: String) -> String {
    const DETOURS: [&str; 2] = [
        "crates/asyncscope-exercises/../../",
        "crates/asyncscope-solutions/../../",
    ];
    if !text.contains("/../") {
        return text;
    }
    DETOURS
        .iter()
        .fold(text, |text, detour| text.replace(detour, ""))
}

/// The names in a trace, made visible ([`visible`]): they are the learner's strings and end
/// up on the terminal in every view of the run. The program can write its trace descriptor
/// itself, so nothing in it is trusted (`asyncscope py` uses this too).
pub fn visible_trace(trace: &mut Trace) {
    let place = |at: &mut Option<crate::trace::Location>| {
        if let Some(at) = at {
            at.file = visible(&at.file, false);
        }
    };
    for t in &mut trace.tasks {
        t.name = visible(&t.name, false);
        place(&mut t.spawned_at);
    }
    for r in &mut trace.resources {
        r.concrete_type = visible(&r.concrete_type, false);
        r.kind = visible(&r.kind, false);
        r.label = r.label.as_deref().map(|l| visible(l, false));
        place(&mut r.created_at);
    }
    for t in &mut trace.threads {
        t.name = visible(&t.name, false);
    }
    for s in &mut trace.strings {
        *s = visible(s, false);
    }
    let values = std::mem::take(&mut trace.values);
    trace.values = values
        .into_iter()
        .map(|(k, mut v)| {
            visible_json(&mut v);
            (visible(&k, false), v)
        })
        .collect();
    trace.header.scenario = visible(&trace.header.scenario, false);
    trace.header.title = visible(&trace.header.title, false);
    let knobs = std::mem::take(&mut trace.header.knobs);
    trace.header.knobs = knobs
        .into_iter()
        .map(|(k, v)| (visible(&k, false), visible(&v, false)))
        .collect();
}

/// Every string in `value` (keys included) made visible.
fn visible_json(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::String(s) => *s = visible(s, false),
        Value::Array(items) => items.iter_mut().for_each(visible_json),
        Value::Object(map) => {
            let entries = std::mem::take(map);
            for (k, mut v) in entries {
                visible_json(&mut v);
                map.insert(visible(&k, false), v);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// Run a built exercise binary under `limits` and collect its trace.
pub fn run(binary: &Path, limits: Limits) -> RunReport {
    run_with(binary, limits, Watchers::none())
}

/// [`run`], stopped at once when `watch.cancel` is set.
///
/// The program runs contained ([`sandbox::spawn`]): everything it starts is stopped with it,
/// on every way out (its end, the time limit, a cancel, the caller's death). It gets a private
/// temporary folder (`TMPDIR`), removed afterwards.
pub fn run_with(
    binary: &Path,
    limits: Limits,
    watch: Watchers<'_>,
) -> RunReport {
    let launch = |_: &Path| {
        Ok(Launch {
            program: binary.to_path_buf(),
            args: Vec::new(),
            env: vec![
                (TRACE_ENV.into(), "3".into()),
                // Few malloc arenas, so the address-space limit measures the program, not glibc.
                ("MALLOC_ARENA_MAX".into(), "2".into()),
                ("RUST_BACKTRACE".into(), "0".into()),
            ],
        })
    };
    run_launched(limits, watch, launch, |ended, stderr, trace| {
        judge(ended, stderr, trace, limits)
    })
}

/// A program to run contained: what to start, with which arguments, and its environment
/// beside `TMPDIR` (its private folder).
pub struct Launch {
    pub program: PathBuf,
    pub args: Vec<OsString>,
    pub env: Vec<(OsString, OsString)>,
}

/// Run a program contained, under `limits`, its trace handed back on descriptor 3: `launch`
/// says what to start, given the run's private temporary folder (its `TMPDIR`: a fresh
/// tmpfs in a namespace, so files for the program go elsewhere); `judge` says how it ended,
/// given its end, its stderr and what it handed back. Every exercise run, in any language,
/// comes through here.
pub(crate) fn run_launched(
    limits: Limits,
    watch: Watchers<'_>,
    launch: impl FnOnce(&Path) -> Result<Launch, String>,
    judge: impl FnOnce(Ended, &str, HandedBack) -> Verdict,
) -> RunReport {
    let start = Instant::now();
    let not_run = |why: String| RunReport {
        verdict: Verdict::NotRun(why),
        stdout: String::new(),
        stderr: String::new(),
        wall: start.elapsed(),
        containment: None,
    };
    let tmp = match PrivateTmp::new() {
        Ok(t) => t,
        Err(e) => return not_run(no_tmp_sentence(&e)),
    };
    let [
        (out_read, out_write),
        (err_read, err_write),
        (trace_read, trace_write),
    ] = match sandbox::pipes() {
        Ok(p) => p,
        Err(e) => return not_run(format!("no pipe for its output: {e}")),
    };
    let Launch {
        program,
        args,
        mut env,
    } = match launch(&tmp.path) {
        Ok(l) => l,
        Err(why) => return not_run(why),
    };
    env.push(("TMPDIR".into(), tmp.path.clone().into_os_string()));
    let plan = Plan {
        program: program.clone(),
        args,
        env,
        cwd: None,
        stdout: out_write.into(),
        stderr: err_write.into(),
        hand_back: Some(trace_write.into()),
        memory: Some(limits.memory),
        file_size: Some(limits.file_size),
        namespaces: limits.namespaces,
        // Exercises simulate their services: nothing needs the network.
        network: false,
        tmp: Some(tmp.path.clone()),
    };
    let mut child = match sandbox::spawn(plan) {
        Ok(c) => c,
        Err(e) => {
            return not_run(format!(
                "could not start {}: {e}",
                program.display()
            ));
        }
    };
    let containment = Some(child.containment());

    let total = Arc::new(AtomicUsize::new(0));
    let flooded = Arc::new(AtomicBool::new(false));
    let out = drain(Some(out_read), limits, total.clone(), flooded.clone());
    let err = drain(Some(err_read), limits, total.clone(), flooded.clone());
    let trace = read_trace(trace_read);

    let ended = loop {
        if let Some(ended) = child.try_wait() {
            break Ok(ended.copied());
        }
        if flooded.load(Ordering::Relaxed) {
            break Err(Verdict::OutputFlood(limits.flood));
        }
        if watch.cancel.load(Ordering::SeqCst) {
            break Err(Verdict::Cancelled);
        }
        if start.elapsed() >= limits.wall {
            break Err(if child.is_stopped() {
                Verdict::Stopped(limits.wall)
            } else {
                Verdict::TimedOut(limits.wall)
            });
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    // Everything it started goes with it, whichever way it ended.
    drop(child);
    let wall = start.elapsed();
    // Its processes are gone, so the pipes are closed; the deadline is only a guard.
    let deadline = Instant::now() + Duration::from_secs(2);
    let stdout = visible(&out.finish(deadline), false);
    let stderr = err.finish(deadline);
    let verdict = match ended {
        Err(v) => v,
        Ok(ended) => judge(ended, &stderr, trace.finish(deadline)),
    };
    drop(tmp);
    RunReport {
        verdict,
        stdout,
        stderr: visible(&stderr, false),
        wall,
        containment,
    }
}

/// What came back on the hand-back pipe.
pub(crate) enum HandedBack {
    Bytes(Vec<u8>),
    TooBig,
    /// Still open at the deadline (held by something that outlived the program).
    NotClosed,
}

impl HandedBack {
    /// What was handed back, or why there is nothing to read.
    pub(crate) fn bytes(self) -> Result<Vec<u8>, Verdict> {
        match self {
            HandedBack::Bytes(b) => Ok(b),
            HandedBack::TooBig => Err(Verdict::BadTrace(format!(
                "the run it handed over is larger than {}",
                size(MAX_TRACE as u64)
            ))),
            HandedBack::NotClosed => Err(Verdict::BadTrace(
                "its run was not handed over in time".into(),
            )),
        }
    }
}

pub(crate) fn judge(
    ended: Ended,
    stderr: &str,
    trace: HandedBack,
    limits: Limits,
) -> Verdict {
    let out_of_memory = stderr.contains("memory allocation of")
        || stderr.contains("capacity overflow");
    match ended {
        Ended::NotStarted(e) => Verdict::NotRun(format!("it could not be started: {e}")),
        Ended::Lost => Verdict::Crashed(
            "its run was ended from outside before it said how it ended".into(),
        ),
        Ended::Signaled(libc::SIGXFSZ) => Verdict::FileTooBig(limits.file_size),
        Ended::Signaled(_) if out_of_memory => Verdict::OutOfMemory,
        Ended::Signaled(_) if stderr.contains("has overflowed its stack") => Verdict::Crashed(
            "its stack overflowed: a function that calls itself without end?".into(),
        ),
        Ended::Signaled(signal) => Verdict::Crashed(signal_name(signal)),
        Ended::Exited(0) => match trace.bytes() {
            Err(verdict) => verdict,
            Ok(b) if b.is_empty() => Verdict::Exited(0),
            Ok(b) => match jsonl::read(&b[..]) {
                Ok(mut t) if t.events.iter().any(|e| e.kind == EventKind::RunEnd) => {
                    visible_trace(&mut t);
                    Verdict::Finished(Box::new(t))
                }
                Ok(_) => Verdict::BadTrace(
                    "the run it handed over has no end (not a whole run of the kit's `run`)"
                        .into(),
                ),
                Err(e) => Verdict::BadTrace(visible(&e.to_string(), false)),
            },
        },
        Ended::Exited(101) => Verdict::Panicked(visible(&panic_message(stderr), false)),
        Ended::Exited(2) if stderr.contains(super::harness::HAND_BACK_FAILED) => {
            let why = stderr
                .lines()
                .find_map(|l| l.split_once(super::harness::HAND_BACK_FAILED))
                .map(|(_, why)| why.trim().trim_start_matches(':').trim().to_string())
                .unwrap_or_default();
            Verdict::BadTrace(visible(&format!("it could not hand its run over ({why})"), false))
        }
        Ended::Exited(_) if out_of_memory => Verdict::OutOfMemory,
        Ended::Exited(code) => Verdict::Exited(code),
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
        libc::SIGTERM => "signal 15, SIGTERM: asked to stop, by itself or from outside".into(),
        libc::SIGPIPE => "signal 13, SIGPIPE: it wrote to a pipe nobody reads".into(),
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

/// A private temporary folder for one run or build (mode 700), removed when dropped. Folders
/// left by a run whose `asyncscope` was killed are removed by the next one.
struct PrivateTmp {
    path: PathBuf,
}

const TMP_PREFIX: &str = "asyncscope-run-";

impl PrivateTmp {
    fn new() -> std::io::Result<PrivateTmp> {
        use std::os::unix::fs::DirBuilderExt;
        let base = std::env::temp_dir();
        remove_stale(&base);
        let mut attempt = 0;
        loop {
            let path = base.join(format!(
                "{TMP_PREFIX}{}-{}-{}",
                std::process::id(),
                unique(),
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.subsec_nanos())
                    .unwrap_or(0)
            ));
            // Fails if the name exists (a file, a symlink or a FIFO put there by anyone).
            match std::fs::DirBuilder::new().mode(0o700).create(&path) {
                Ok(()) => return Ok(PrivateTmp { path }),
                Err(e)
                    if e.kind() == std::io::ErrorKind::AlreadyExists
                        && attempt < 100 =>
                {
                    attempt += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }
}

impl Drop for PrivateTmp {
    fn drop(&mut self) {
        // Never follows symlinks: only what is inside the folder goes.
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Remove the temporary folders of runs whose `asyncscope` is gone (killed mid-run).
fn remove_stale(base: &Path) {
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(TMP_PREFIX))
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        let ours = entry
            .metadata()
            .map(|m| {
                use std::os::unix::fs::MetadataExt;
                m.is_dir() && m.uid() == sandbox::user_id()
            })
            .unwrap_or(false);
        if ours
            && pid != std::process::id()
            && !sandbox::process_exists(pid)
        {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Why there is no temporary folder for a run, said so that it is not taken for the
/// learner's mistake.
fn no_tmp_sentence(e: &std::io::Error) -> String {
    let tmp = std::env::temp_dir();
    let why = match e.raw_os_error() {
        Some(libc::ENOSPC) => "it is full".to_string(),
        Some(libc::EDQUOT) => "your disk quota is used up".into(),
        _ => e.to_string(),
    };
    format!(
        "asyncscope could not make a temporary folder in {} ({why}): free some space there, \
         or set TMPDIR to another folder (this is not your code's fault)",
        tmp.display()
    )
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
    captured: Arc<Mutex<Captured>>,
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

    /// Whether what was read so far (its beginning) contains `needle`.
    fn contains(&self, needle: &str) -> bool {
        let captured = match self.captured.lock() {
            Ok(c) => c,
            Err(poisoned) => poisoned.into_inner(),
        };
        captured
            .head
            .windows(needle.len())
            .any(|w| w == needle.as_bytes())
    }
}

/// Read a stream to its end, keeping its beginning and end and counting every byte.
fn drain(
    stream: Option<impl Read + Send + 'static>,
    limits: Limits,
    total: Arc<AtomicUsize>,
    flooded: Arc<AtomicBool>,
) -> Drain {
    let captured = Arc::new(Mutex::new(Captured::default()));
    let shared = captured.clone();
    let thread = std::thread::spawn(move || {
        let Some(mut stream) = stream else {
            return;
        };
        let mut buf = [0u8; 8192];
        loop {
            match stream.read(&mut buf) {
                Ok(0) => break,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {
                    continue;
                }
                Err(_) => break,
                Ok(n) => {
                    if let Ok(mut c) = shared.lock() {
                        c.push(&buf[..n], limits.keep_output);
                    }
                    if total
                        .fetch_add(n, Ordering::Relaxed)
                        .saturating_add(n)
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

/// The hand-back pipe, read by its own thread, at most [`MAX_TRACE`] bytes kept.
struct TraceReader {
    result: Arc<Mutex<Option<HandedBack>>>,
}

fn read_trace(stream: std::io::PipeReader) -> TraceReader {
    let result = Arc::new(Mutex::new(None));
    let shared = result.clone();
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let mut too_big = false;
        let mut buf = [0u8; 64 << 10];
        let mut stream = stream;
        loop {
            match stream.read(&mut buf) {
                Ok(0) => break,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {
                    continue;
                }
                Err(_) => break,
                // Past the bound it is read and dropped, so the writer never blocks on it.
                Ok(_) if too_big => {}
                Ok(n) if bytes.len() + n > MAX_TRACE => too_big = true,
                Ok(n) => bytes.extend_from_slice(&buf[..n]),
            }
        }
        let handed = if too_big {
            HandedBack::TooBig
        } else {
            HandedBack::Bytes(bytes)
        };
        if let Ok(mut r) = shared.lock() {
            *r = Some(handed);
        }
    });
    TraceReader { result }
}

impl TraceReader {
    fn finish(self, deadline: Instant) -> HandedBack {
        loop {
            if let Ok(mut r) = self.result.lock()
                && let Some(handed) = r.take()
            {
                return handed;
            }
            if Instant::now() >= deadline {
                return HandedBack::NotClosed;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }
}

fn unique() -> usize {
    static N: AtomicUsize = AtomicUsize::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cargo runs in the crate's folder: a target folder given relative to where asyncscope
    /// runs must reach it as an absolute path, or a second one is made inside the crate.
    #[test]
    fn a_reference_crate_builds_into_the_learner_folders_target() {
        let here = std::env::current_dir().unwrap();
        let dir =
            target_dir(Path::new("./target/asyncscope-reference"), None);
        assert!(dir.is_absolute(), "{}", dir.display());
        assert_eq!(dir, std::path::absolute(here.join("target")).unwrap());
        let dir = target_dir(Path::new("learn"), None);
        assert_eq!(dir, here.join("learn").join("target"));
        let dir = target_dir(Path::new("learn"), Some("shared".into()));
        assert_eq!(dir, here.join("shared"));
    }

    #[test]
    fn control_characters_are_shown_not_sent() {
        assert_eq!(
            visible("a\x1b[2Jb\x07\r\n\tc", false),
            "a\\x1b[2Jb\\x07\\x0d\n\tc"
        );
        assert_eq!(
            visible("\x1b]52;c;aGk=\x07", false),
            "\\x1b]52;c;aGk=\\x07"
        );
        assert_eq!(
            visible("x\u{9b}31m\u{202e}y", false),
            "x\\u{9b}31m\\u{202e}y"
        );
        // Colour from cargo stays when asked; anything else is still shown.
        assert_eq!(
            visible("\x1b[1m\x1b[31merror\x1b[0m", true),
            "\x1b[1m\x1b[31merror\x1b[0m"
        );
        assert_eq!(
            visible("\x1b[2J\x1b]0;t\x07", true),
            "\\x1b[2J\\x1b]0;t\\x07"
        );
        assert_eq!(visible("ünïcödé ✓", false), "ünïcödé ✓");
    }

    #[test]
    fn cargo_progress_lines_are_dropped() {
        let out = "   Compiling a v0.1.0 (/x)\n    Blocking waiting for file lock on build directory\nerror[E0308]: mismatched types\n  Compiling is not a status here\n";
        assert_eq!(
            cargo_messages(out),
            "error[E0308]: mismatched types\n  Compiling is not a status here\n"
        );
        assert_eq!(
            cargo_messages("\x1b[1m\x1b[32m   Compiling\x1b[0m a\nerr\n"),
            "err\n"
        );
    }
}
