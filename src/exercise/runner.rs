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
                "did not finish within {:.0} s and was stopped: an endless loop, or a thread \
                 blocked forever (a std Mutex, a blocking call)?",
                d.as_secs_f64()
            ),
            Verdict::Panicked(msg) => format!("panicked: {msg}"),
            Verdict::Exited(code) => format!(
                "exited with code {code} before it finished (process::exit?): nothing to grade"
            ),
            Verdict::OutOfMemory => {
                "asked for more memory than an exercise may use (2 GiB) and was stopped".into()
            }
            Verdict::OutputFlood(n) => {
                format!("printed too much ({} MiB) and was stopped", n >> 20)
            }
            Verdict::Crashed(how) => format!("crashed ({how})"),
            Verdict::BadTrace(e) => format!("finished, but its trace could not be read: {e}"),
        }
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
    limit_memory(&mut command, limits.memory);
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

    let total = Arc::new(AtomicUsize::new(0));
    let flooded = Arc::new(AtomicBool::new(false));
    let out =
        drain(child.stdout.take(), limits, total.clone(), flooded.clone());
    let err =
        drain(child.stderr.take(), limits, total.clone(), flooded.clone());

    let status = loop {
        if let Ok(Some(status)) = child.try_wait() {
            break Some(status);
        }
        if flooded.load(Ordering::Relaxed) || start.elapsed() >= limits.wall
        {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let wall = start.elapsed();
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();

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
        } else {
            Verdict::Crashed(format!("signal {signal}"))
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

/// The first line of the panic message in what the child printed.
fn panic_message(stderr: &str) -> String {
    let mut lines =
        stderr.lines().skip_while(|l| !l.contains("panicked at"));
    match (lines.next(), lines.next()) {
        (Some(at), Some(msg)) => format!("{} ({})", msg.trim(), at.trim()),
        (Some(at), None) => at.trim().to_string(),
        _ => "the program panicked".into(),
    }
}

/// Read a stream to its end, keeping the first `keep_output` bytes and counting the rest.
fn drain(
    stream: Option<impl Read + Send + 'static>,
    limits: Limits,
    total: Arc<AtomicUsize>,
    flooded: Arc<AtomicBool>,
) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let Some(mut stream) = stream else {
            return String::new();
        };
        let mut kept = Vec::new();
        let mut buf = [0u8; 8192];
        loop {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if kept.len() < limits.keep_output {
                        let room = limits.keep_output - kept.len();
                        kept.extend_from_slice(&buf[..n.min(room)]);
                    }
                    if total.fetch_add(n, Ordering::Relaxed) + n
                        > limits.flood
                    {
                        flooded.store(true, Ordering::Relaxed);
                    }
                }
            }
        }
        String::from_utf8_lossy(&kept).into_owned()
    })
}

fn limit_memory(command: &mut Command, bytes: u64) {
    use std::os::unix::process::CommandExt;
    // SAFETY: between fork and exec only setrlimit runs, which is async-signal-safe.
    unsafe {
        command.pre_exec(move || {
            let limit = libc::rlimit {
                rlim_cur: bytes,
                rlim_max: bytes,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

fn unique() -> usize {
    static N: AtomicUsize = AtomicUsize::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}
