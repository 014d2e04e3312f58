//! The Python track: a learner's own asyncio program, run by `python3` under an instrumented
//! event loop and recorded into the same trace a tokio run gives, so the timeline, the exports
//! and the TUI work on it unchanged.
//!
//! The instrumentation is `asyncscope.py` (standard library only), shipped inside the binary and
//! written at run time into a private folder with a two-line launcher. The program runs
//! contained ([`crate::sandbox`]): its output comes back through pipes (made visible before it
//! reaches a terminal), its trace as JSON lines on descriptor 3, and how it ended as a status
//! file in the private folder.

use crate::exercise::runner::{MAX_TRACE, visible, visible_trace};
use crate::sandbox::{self, Ended, Plan};
use crate::trace::{Clock, Header, Trace, jsonl};
use std::ffi::OsString;
use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The recorder, written beside the launcher for each run.
pub const RECORDER: &str = include_str!("asyncscope.py");
/// The exercises' kit (`asyncscope_kit`), written beside the recorder: the Python exercises
/// import it, and `asyncscope py` on an exercise's file finds it too.
const KIT: [(&str, &str); 4] = [
    ("__init__.py", include_str!("asyncscope_kit/__init__.py")),
    ("fetch_all.py", include_str!("asyncscope_kit/fetch_all.py")),
    ("dashboard.py", include_str!("asyncscope_kit/dashboard.py")),
    ("bank.py", include_str!("asyncscope_kit/bank.py")),
];
/// Run as the program's `__main__`: the folder it is in comes first on `sys.path`, so the
/// program's own `import asyncscope` finds the recorder already running.
const LAUNCHER: &str = "import asyncscope\nasyncscope._main()\n";

/// The oldest Python the recorder supports.
pub const MIN_VERSION: (u32, u32) = (3, 9);
/// What the program may print (both streams together) before it is stopped.
pub const OUTPUT_FLOOD: usize = 4 << 20;
/// Past its time limit, how long the program has to stop by itself (the recorder's own
/// watchdog ends it, saving the trace) before it is killed: the watchdog counts from the
/// recorder's start, which a loaded machine can delay by seconds.
const GRACE: Duration = Duration::from_secs(5);
/// The longest line of the program's output passed on at once.
const MAX_OUTPUT_LINE: u64 = 64 << 10;

/// A Python interpreter that can run the recorder.
#[derive(Clone, Debug)]
pub struct Interpreter {
    /// The interpreter itself (`sys.executable`, past any shim such as pyenv's).
    pub path: PathBuf,
    pub version: (u32, u32),
    /// The full version, e.g. "3.11.7".
    pub full_version: String,
}

/// Why there is no interpreter to run the program with.
#[derive(Debug)]
pub enum FindError {
    /// Not on PATH (`asked` = None), or the `--python` given does not exist.
    Missing {
        asked: Option<PathBuf>,
    },
    TooOld {
        path: PathBuf,
        version: String,
    },
    /// It started but did not say its version as a Python would.
    NotPython {
        path: PathBuf,
        why: String,
    },
}

const INSTALL: &str = "install Python 3.9 or newer (Debian/Ubuntu: `sudo apt install \
                       python3`; macOS: `brew install python`; or python.org), or name one \
                       with --python PATH";

impl fmt::Display for FindError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FindError::Missing { asked: None } => {
                write!(f, "python3 was not found on PATH: {INSTALL}")
            }
            FindError::Missing { asked: Some(p) } => {
                write!(f, "{} does not exist: {INSTALL}", p.display())
            }
            FindError::TooOld { path, version } => write!(
                f,
                "{} is Python {version}, and asyncscope needs 3.9 or newer: {INSTALL}",
                path.display()
            ),
            FindError::NotPython { path, why } => write!(
                f,
                "{} does not run as a Python interpreter ({why}): {INSTALL}",
                path.display()
            ),
        }
    }
}

/// The interpreter to use: `explicit` (from `--python`), else `python3` on PATH. Its version is
/// asked with a line every Python since 2.6 understands, so an old one is named, not crashed on.
pub fn find_python(
    explicit: Option<&Path>,
) -> Result<Interpreter, FindError> {
    let program = explicit
        .map_or_else(|| PathBuf::from("python3"), Path::to_path_buf);
    let probe = "import sys; sys.stdout.write('%d.%d %s\\n%s' % (sys.version_info[0], \
                 sys.version_info[1], sys.version.split()[0], sys.executable))";
    let mut child = match std::process::Command::new(&program)
        .args(["-c", probe])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(FindError::Missing {
                asked: explicit.map(Path::to_path_buf),
            });
        }
        Err(e) => {
            return Err(FindError::NotPython {
                path: program,
                why: e.to_string(),
            });
        }
    };
    let mut out = String::new();
    if let Some(mut stdout) = child.stdout.take() {
        // Bounded: a program that is not Python could print without end.
        let _ = (&mut stdout).take(4096).read_to_string(&mut out);
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break Some(s),
            Ok(None) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(5))
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
        }
    };
    let not_python = |why: &str| FindError::NotPython {
        path: program.clone(),
        why: why.to_string(),
    };
    match status {
        Some(s) if s.success() => {}
        Some(s) => return Err(not_python(&format!("it exited with {s}"))),
        None => return Err(not_python("it did not answer within 20 s")),
    }
    let mut lines = out.lines();
    let (Some(first), Some(exe)) = (lines.next(), lines.next()) else {
        return Err(not_python("it did not print its version"));
    };
    let mut words = first.split_whitespace();
    let short = words.next().unwrap_or_default();
    let full = words.next().unwrap_or(short).to_string();
    let version = short
        .split_once('.')
        .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)))
        .ok_or_else(|| not_python("it did not print its version"))?;
    if version < MIN_VERSION {
        return Err(FindError::TooOld {
            path: program,
            version: full,
        });
    }
    let exe = PathBuf::from(exe.trim());
    Ok(Interpreter {
        // An empty sys.executable (embedded Pythons) leaves the name we started.
        path: if exe.as_os_str().is_empty() {
            program
        } else {
            exe
        },
        version,
        full_version: full,
    })
}

/// How a Python run is made.
#[derive(Clone, Debug)]
pub struct Options {
    pub virtual_time: bool,
    /// Milliseconds of program time per time unit `u` (the program reads it as
    /// `asyncscope.UNIT`, in seconds).
    pub unit_ms: f64,
    /// Wall-clock limit; on the virtual clock, also the limit of the program's own time.
    pub time_limit: Duration,
    pub args: Vec<OsString>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            virtual_time: false,
            unit_ms: 1000.0,
            time_limit: Duration::from_secs(30),
            args: Vec::new(),
        }
    }
}

/// How the program ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Ending {
    /// It ran to its end.
    Returned,
    /// `sys.exit(code)`.
    Exited(i32),
    /// An exception left the program: its type and message.
    Raised { kind: String, message: String },
    /// It could not be compiled.
    SyntaxError { message: String, line: Option<u64> },
    /// The file could not be read.
    Unreadable(String),
    /// Still running at the time limit: stopped.
    TimeLimit(Duration),
    /// It printed more than the limit (bytes) and was stopped.
    OutputFlood(usize),
    /// Its trace grew past what the recorder writes, and it was stopped.
    TraceTooBig,
    /// Killed by a signal.
    Killed(i32),
    /// It ended (with this exit code) without the recorder saying how: `os._exit`, or the
    /// interpreter itself failed.
    Vanished(i32),
    /// It could not be started (said in words).
    NotStarted(String),
}

/// A finished Python run.
#[derive(Debug)]
pub struct Run {
    /// What was recorded (`None` if not even the header came back).
    pub trace: Option<Trace>,
    pub ending: Ending,
    /// An asyncio event loop of asyncscope's ran.
    pub loop_ran: bool,
    /// The event loop policy the program set instead of asyncio's (uvloop's, say).
    pub foreign_policy: Option<String>,
    /// Why the trace stops where it does, when it was cut (a killed run, damage).
    pub damage: Option<String>,
    pub wall: Duration,
}

impl Run {
    /// A run whose timeline is worth drawing: a loop ran and the program ended by itself.
    pub fn succeeded(&self) -> bool {
        self.loop_ran
            && matches!(self.ending, Ending::Returned | Ending::Exited(0))
    }

    /// What a learner is told about the run, beyond its timeline: empty when it simply ran.
    /// `name` is how the program is called (its file name).
    pub fn sentences(&self, name: &str, virtual_time: bool) -> Vec<String> {
        let name = visible(name, false);
        let has_tasks =
            self.trace.as_ref().is_some_and(|t| !t.tasks.is_empty());
        let up_to_then = if has_tasks {
            "; the timeline shows the run up to then"
        } else {
            ""
        };
        let mut out = Vec::new();
        match &self.ending {
            Ending::Returned | Ending::Exited(0) => {}
            Ending::Exited(code) => {
                out.push(format!("{name} called sys.exit({code}){up_to_then}"))
            }
            Ending::Raised { kind, message } => out.push(format!(
                "{name} raised {}{} (its traceback is above){up_to_then}",
                visible(kind, false),
                if message.is_empty() {
                    String::new()
                } else {
                    format!(": {}", visible(message, false))
                },
            )),
            Ending::SyntaxError { message, line } => out.push(format!(
                "{name} has a syntax error{}: {}; nothing ran",
                line.map(|l| format!(" on line {l}")).unwrap_or_default(),
                visible(message, false)
            )),
            Ending::Unreadable(why) => {
                out.push(format!("{name} could not be read: {}", visible(why, false)))
            }
            Ending::TimeLimit(d) => out.push(format!(
                "{name} did not finish within its time limit of {}{} and was stopped: a task \
                 waiting for something that never comes (a lock never released, an event never \
                 set, a queue nobody fills), or an endless loop? Raise the limit with \
                 --time-limit SECONDS{up_to_then}",
                seconds(*d),
                if virtual_time {
                    " (of the virtual clock, or of real time)"
                } else {
                    ""
                }
            )),
            Ending::OutputFlood(limit) => out.push(format!(
                "{name} printed more than {} MiB and was stopped: a print inside an endless \
                 loop?{up_to_then}",
                limit >> 20
            )),
            Ending::TraceTooBig => out.push(format!(
                "{name} did so many steps that its trace grew past what asyncscope records, and \
                 it was stopped: an endless loop of awaits?{up_to_then}"
            )),
            Ending::Killed(signal) => out.push(format!(
                "{name} was killed by signal {signal}{}{up_to_then}",
                match *signal {
                    libc::SIGSEGV => " (SIGSEGV: the interpreter or an extension crashed)",
                    libc::SIGKILL => " (SIGKILL: from outside, perhaps for lack of memory)",
                    libc::SIGABRT => " (SIGABRT: it aborted)",
                    _ => "",
                }
            )),
            Ending::Vanished(code) => out.push(format!(
                "{name} ended with exit code {code} without asyncscope seeing how (os._exit, or \
                 the interpreter failed){up_to_then}"
            )),
            Ending::NotStarted(why) => out.push(format!("{name} could not be run: {why}")),
        }
        let ended_by_itself = matches!(
            self.ending,
            Ending::Returned | Ending::Exited(_) | Ending::Raised { .. }
        );
        if !self.loop_ran && ended_by_itself {
            out.push(format!(
                "{name} never ran an asyncio event loop (asyncio.run(main()) starts one), so \
                 there is no timeline to draw"
            ));
        }
        if let Some(policy) = &self.foreign_policy {
            out.push(format!(
                "{name} set its own event loop policy ({}): asyncscope records only asyncio's \
                 own event loop, so what ran under that policy is not in the timeline; run it \
                 without the policy (uvloop.install(), asyncio.set_event_loop_policy)",
                visible(policy, false)
            ));
        }
        if let Some(damage) = &self.damage {
            out.push(format!(
                "the trace stops early: {}",
                visible(damage, false)
            ));
        }
        out
    }
}

/// `3 s`, `0.5 s`.
fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0} s")
    } else {
        format!("{s} s")
    }
}

/// The header a Python run's trace starts with.
pub fn header(
    script: &Path,
    python: &Interpreter,
    options: &Options,
) -> Header {
    let name = script.file_name().map_or_else(
        || script.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let clock = if options.virtual_time {
        Clock::Paused
    } else {
        Clock::Real
    };
    let mut header = Header::new(&name, clock, options.unit_ms);
    header.title = format!("asyncio, Python {}", python.full_version);
    header.runtime = Some("asyncio".to_string());
    if !options.args.is_empty() {
        let args: Vec<String> = options
            .args
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        header.knobs.insert("args".into(), args.join(" "));
    }
    header
}

/// Runs `script` with `python` under the recorder. The program's output (both streams, made
/// visible) goes to `output` line by line as it comes.
pub fn run(
    python: &Interpreter,
    script: &Path,
    options: &Options,
    output: Arc<dyn Fn(&str) + Send + Sync>,
) -> Run {
    let start = Instant::now();
    let not_started = |why: String| Run {
        trace: None,
        ending: Ending::NotStarted(why),
        loop_ran: false,
        foreign_policy: None,
        damage: None,
        wall: start.elapsed(),
    };
    let dir = match tempfile::Builder::new()
        .prefix("asyncscope-py-")
        .tempdir()
    {
        Ok(d) => d,
        Err(e) => {
            return not_started(format!(
                "asyncscope could not make a temporary folder in {} ({e}): free some space \
                 there, or set TMPDIR to another folder",
                std::env::temp_dir().display()
            ));
        }
    };
    let launcher = match write_recorder(dir.path()) {
        Ok(l) => l,
        Err(e) => return not_started(e),
    };
    let status_path = dir.path().join(STATUS_FILE);
    let env = match recorder_env(
        &status_path,
        &header(script, python, options),
        options,
    ) {
        Ok(env) => env,
        Err(e) => return not_started(e),
    };
    let [
        (out_read, out_write),
        (err_read, err_write),
        (trace_read, trace_write),
    ] = match sandbox::pipes() {
        Ok(p) => p,
        Err(e) => {
            return not_started(format!("no pipe for its output: {e}"));
        }
    };
    let mut args: Vec<OsString> =
        vec![launcher.into_os_string(), script.as_os_str().to_owned()];
    args.extend(options.args.iter().cloned());
    let plan = Plan {
        program: python.path.clone(),
        args,
        env,
        cwd: None,
        stdout: out_write.into(),
        stderr: err_write.into(),
        hand_back: Some(trace_write.into()),
        memory: None,
        file_size: None,
        namespaces: true,
        // The learner's own program, run as `python3 FILE` would: it may use the network.
        network: true,
        tmp: None,
    };
    let mut child = match sandbox::spawn(plan) {
        Ok(c) => c,
        Err(e) => {
            return not_started(format!(
                "{} could not be started: {e}",
                python.path.display()
            ));
        }
    };

    let total = Arc::new(AtomicUsize::new(0));
    let flooded = Arc::new(AtomicBool::new(false));
    let readers = [out_read, err_read].map(|pipe| {
        let (total, flooded, output) =
            (total.clone(), flooded.clone(), output.clone());
        std::thread::spawn(move || {
            pass_on(pipe, &total, &flooded, &*output)
        })
    });
    let trace_reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = trace_read.take(MAX_TRACE as u64).read_to_end(&mut bytes);
        bytes
    });

    let stopped = loop {
        if let Some(ended) = child.try_wait() {
            break Ok(ended.copied());
        }
        if flooded.load(Ordering::Relaxed) {
            break Err(Ending::OutputFlood(OUTPUT_FLOOD));
        }
        if start.elapsed() >= options.time_limit + GRACE {
            break Err(Ending::TimeLimit(options.time_limit));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    // Everything it started goes with it, whichever way it ended; that closes the pipes.
    drop(child);
    for r in readers {
        let _ = r.join();
    }
    let bytes = trace_reader.join().unwrap_or_default();
    let status = read_status(&status_path);
    drop(dir);

    let ending = match (&stopped, &status) {
        (Err(e), _) => e.clone(),
        (Ok(_), Some(s)) => ending_from_status(s, options.time_limit),
        (Ok(Ended::Signaled(sig)), None) => Ending::Killed(*sig),
        (Ok(Ended::Exited(code)), None) => Ending::Vanished(*code),
        (Ok(Ended::NotStarted(e)), None) => Ending::NotStarted(format!(
            "{} could not be started: {e}",
            python.path.display()
        )),
        (Ok(Ended::Lost), None) => Ending::Killed(libc::SIGKILL),
    };
    let flag = |key: &str| status.as_ref().and_then(|s| s.get(key));
    let (trace, damage) = read_trace(&bytes);
    // A killed run is cut wherever it was: that is no news.
    let damage = damage.filter(|_| stopped.is_ok() && status.is_some());
    Run {
        loop_ran: flag("loop")
            .and_then(serde_json::Value::as_bool)
            .unwrap_or_else(|| {
                trace.as_ref().is_some_and(|t| !t.tasks.is_empty())
            }),
        foreign_policy: flag("policy")
            .and_then(serde_json::Value::as_str)
            .map(str::to_string),
        trace,
        ending,
        damage,
        wall: start.elapsed(),
    }
}

/// The file (in the run's private folder) where the recorder says how the program ended.
pub(crate) const STATUS_FILE: &str = "status.json";

/// Write the recorder, the exercises' kit and the launcher into the private folder `dir`;
/// returns the launcher, to run as `python LAUNCHER FILE ARGS…`.
pub(crate) fn write_recorder(dir: &Path) -> Result<PathBuf, String> {
    let launcher = dir.join("launch.py");
    let kit = dir.join("asyncscope_kit");
    let written = std::fs::write(dir.join("asyncscope.py"), RECORDER)
        .and_then(|()| std::fs::write(&launcher, LAUNCHER))
        .and_then(|()| std::fs::create_dir(&kit))
        .and_then(|()| {
            KIT.iter().try_for_each(|(name, text)| {
                std::fs::write(kit.join(name), text)
            })
        });
    match written {
        Ok(()) => Ok(launcher),
        Err(e) => {
            Err(format!("asyncscope could not write its recorder: {e}"))
        }
    }
}

/// What the recorder reads from its environment: where the trace and the status go, the
/// trace's header, the clock, the limit and the unit.
pub(crate) fn recorder_env(
    status: &Path,
    header: &Header,
    options: &Options,
) -> Result<Vec<(OsString, OsString)>, String> {
    let header =
        serde_json::to_string(header).map_err(|e| e.to_string())?;
    Ok(vec![
        ("ASYNCSCOPE_TRACE_FD".into(), "3".into()),
        ("ASYNCSCOPE_STATUS".into(), status.as_os_str().to_owned()),
        ("ASYNCSCOPE_HEADER".into(), header.into()),
        (
            "ASYNCSCOPE_VIRTUAL".into(),
            if options.virtual_time { "1" } else { "0" }.into(),
        ),
        (
            "ASYNCSCOPE_TIME_LIMIT".into(),
            options.time_limit.as_secs_f64().to_string().into(),
        ),
        (
            "ASYNCSCOPE_UNIT".into(),
            (options.unit_ms / 1000.0).to_string().into(),
        ),
        // Its prints arrive as they happen, and are not lost if it is stopped.
        ("PYTHONUNBUFFERED".into(), "1".into()),
        // No __pycache__ beside the learner's files (their own modules) or anywhere else.
        ("PYTHONDONTWRITEBYTECODE".into(), "1".into()),
    ])
}

/// How the recorder said the program ended (`None`: it did not say).
pub(crate) fn read_status(path: &Path) -> Option<serde_json::Value> {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
}

pub(crate) fn ending_from_status(
    s: &serde_json::Value,
    limit: Duration,
) -> Ending {
    let text = |key: &str| {
        s.get(key)
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    match s.get("end").and_then(serde_json::Value::as_str) {
        Some("returned") => Ending::Returned,
        Some("exit") => Ending::Exited(
            s.get("code")
                .and_then(serde_json::Value::as_i64)
                .unwrap_or(1) as i32,
        ),
        Some("raised") => Ending::Raised {
            kind: text("type"),
            message: text("message"),
        },
        Some("syntax_error") => Ending::SyntaxError {
            message: text("message"),
            line: s.get("line").and_then(serde_json::Value::as_u64),
        },
        Some("unreadable") => Ending::Unreadable(text("message")),
        Some("time_limit") => Ending::TimeLimit(limit),
        Some("trace_too_big") => Ending::TraceTooBig,
        _ => Ending::Vanished(1),
    }
}

/// The trace handed back, as the timeline wants it: in wall-clock order (events of one thread
/// keep theirs), with the learner's strings made visible. What was read before any damage is
/// kept, with the damage said in words.
pub(crate) fn read_trace(bytes: &[u8]) -> (Option<Trace>, Option<String>) {
    if bytes.is_empty() {
        return (None, None);
    }
    match jsonl::read_lenient(bytes) {
        Ok((mut trace, damage)) => {
            trace.events.sort_by_key(|e| e.wall_ns);
            visible_trace(&mut trace);
            (Some(trace), damage.map(|e| e.to_string()))
        }
        Err(e) => (None, Some(e.to_string())),
    }
}

/// Passes one stream of the program on, line by line and made visible, counting what it
/// printed; past [`OUTPUT_FLOOD`] it raises `flooded` and stops passing on.
fn pass_on(
    pipe: std::io::PipeReader,
    total: &AtomicUsize,
    flooded: &AtomicBool,
    output: &(dyn Fn(&str) + Send + Sync),
) {
    let mut reader = BufReader::with_capacity(1 << 16, pipe);
    let mut line = Vec::new();
    loop {
        line.clear();
        match (&mut reader)
            .take(MAX_OUTPUT_LINE)
            .read_until(b'\n', &mut line)
        {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                if total.fetch_add(n, Ordering::Relaxed) + n > OUTPUT_FLOOD
                {
                    flooded.store(true, Ordering::Relaxed);
                    return;
                }
                output(&visible(&String::from_utf8_lossy(&line), false));
            }
        }
    }
}
