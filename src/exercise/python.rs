//! Python exercises: the learner's asyncio file, run by `python3` under the recorder with the
//! exercise's kit (`asyncscope_kit`, shipped beside the recorder), contained by the same
//! runner as a Rust exercise's binary (time limit, output cap, process group and namespaces,
//! private temporary folder, trace handed back on a pipe), and graded by the same checks.
//!
//! The run is on the recorder's virtual clock, as a Rust exercise's is on tokio's paused
//! clock: grades come from the program's own time, never from the machine's load.

use super::info::ExerciseInfo;
use super::runner::{
    self, HandedBack, Launch, Limits, RunReport, Verdict, Watchers,
};
use super::{EXERCISES_PACKAGE, SOLUTIONS_PACKAGE};
use crate::python::{self as py, Ending, Options};
use crate::sandbox::Ended;
use crate::trace::EventKind;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The longest a Python exercise may run on its virtual clock (the kit may stop it sooner:
/// the bank's deadlock at 20u), as a Rust kit's `limit_units`.
const PROGRAM_LIMIT: Duration = Duration::from_secs(60);

/// The Python file that `bin` of `package` stands for, in Python exercise `info`: named as
/// the Rust solutions' binaries are. In the exercises package, the learner's file; in the
/// solutions package, `solution_NAME` is the reference (`solutions/python/BASE.py`),
/// `starter_NAME` the pristine starter, `wrong_X` and `right_X` files of
/// `solutions/python/wrong/` and `right/`; anything else, a path under the package's folder.
pub fn file_for(
    root: &Path,
    package: &str,
    bin: &str,
    info: &ExerciseInfo,
) -> PathBuf {
    let solutions = root.join("solutions");
    if package == EXERCISES_PACKAGE
        && (bin == info.name || bin == info.base_name())
    {
        return super::learner_file(root, info);
    }
    if package == SOLUTIONS_PACKAGE {
        if bin == format!("solution_{}", info.name) {
            return solutions
                .join("python")
                .join(format!("{}.py", info.base_name()));
        }
        if bin == format!("starter_{}", info.name) {
            return solutions.join("starters").join(info.file());
        }
        for kind in ["wrong", "right"] {
            if let Some(rest) = bin.strip_prefix(&format!("{kind}_")) {
                return solutions
                    .join("python")
                    .join(kind)
                    .join(format!("{rest}.py"));
            }
        }
        return solutions.join(bin);
    }
    root.join("exercises").join(bin)
}

/// A Python exercise's run: the runner's report, and what the recorder said of its end.
pub struct PyRun {
    pub report: RunReport,
    /// The recorder's status (`None`: it never wrote one, e.g. killed or `os._exit`).
    pub status: Option<Value>,
}

/// Run `file` as Python exercise `info`, contained. `Err`: there is no Python to run it with
/// (said with what to install).
pub fn run(
    root: &Path,
    file: &Path,
    info: &ExerciseInfo,
    watch: Watchers<'_>,
) -> Result<PyRun, String> {
    let python = py::find_python(None).map_err(|e| e.to_string())?;
    // A learner folder has no solutions/: a solution (the TUI's reference) is the binary's.
    let builtin = file
        .strip_prefix(root.join("solutions"))
        .ok()
        .filter(|_| !file.exists())
        .and_then(|rel| crate::embedded::solution(&rel.to_string_lossy()));
    // The program runs in this folder too: a file under it is named from here, as a Rust
    // exercise's locations are ("exercises/python/fetch_all.py:19").
    let file =
        std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
    let file = std::env::current_dir()
        .ok()
        .and_then(|here| {
            file.strip_prefix(here).ok().map(Path::to_path_buf)
        })
        .unwrap_or(file);
    let options = Options {
        virtual_time: true,
        unit_ms: 1000.0,
        time_limit: PROGRAM_LIMIT,
        args: Vec::new(),
    };
    let mut header = py::header(&file, &python, &options);
    header.scenario = info.name.clone();
    let limits = Limits::with_wall(info.time_limit_s);
    // The recorder and the kit, in a folder of their own: the run's TMPDIR becomes an empty
    // tmpfs inside its namespace. The status comes back here too.
    let dir = tempfile::Builder::new()
        .prefix("asyncscope-py-")
        .tempdir()
        .map_err(|e| {
            format!(
                "could not be run: asyncscope could not make a temporary folder in {} ({e}): \
                 free some space there, or set TMPDIR to another folder",
                std::env::temp_dir().display()
            )
        })?;
    let status_path = dir.path().join(py::STATUS_FILE);
    let file = match (builtin, file.file_name()) {
        (Some(text), Some(name)) => {
            let copy = dir.path().join("solution").join(name);
            std::fs::create_dir(dir.path().join("solution"))
                .and_then(|()| std::fs::write(&copy, text))
                .map_err(|e| format!("could not be run: {e}"))?;
            copy
        }
        _ => file,
    };
    let mut status = None;
    let launch = |_: &Path| {
        let launcher = py::write_recorder(dir.path())?;
        let mut env = py::recorder_env(&status_path, &header, &options)?;
        env.push(("ASYNCSCOPE_EXERCISE".into(), info.base_name().into()));
        Ok(Launch {
            program: python.path.clone(),
            args: vec![
                launcher.into_os_string(),
                file.clone().into_os_string(),
            ],
            env,
        })
    };
    let report = runner::run_launched(
        limits,
        watch,
        launch,
        |ended, stderr, trace| {
            status = py::read_status(&status_path);
            judge(ended, stderr, trace, status.as_ref(), info, limits)
        },
    );
    Ok(PyRun { report, status })
}

/// How the run ended: its trace to grade when the kit's run was handed over whole (or was
/// stopped at the kit's limit, a deadlock's end), else what the runner says of the process.
/// Python's own endings (an exception, `sys.exit`, a syntax error) are worded by [`problem`].
fn judge(
    ended: Ended,
    stderr: &str,
    trace: HandedBack,
    status: Option<&Value>,
    info: &ExerciseInfo,
    limits: Limits,
) -> Verdict {
    let (Ended::Exited(code), Some(status)) = (&ended, status) else {
        return runner::judge(ended, stderr, trace, limits);
    };
    if !gradable(status, info) {
        return Verdict::Exited(*code);
    }
    let bytes = match trace.bytes() {
        Ok(b) => b,
        Err(verdict) => return verdict,
    };
    match py::read_trace(&bytes) {
        (Some(trace), _)
            if trace.events.iter().any(|e| e.kind == EventKind::RunEnd) =>
        {
            Verdict::Finished(Box::new(trace))
        }
        (_, Some(damage)) => Verdict::BadTrace(damage),
        _ => Verdict::BadTrace(
            "the run it handed over has no end (not a whole run of the kit's `run`)".into(),
        ),
    }
}

/// The kit this run used, and how far it got: ("fetch_all", "finished").
fn kit(status: &Value) -> Option<(&str, &str)> {
    let kit = status.get("kit")?;
    Some((kit.get("name")?.as_str()?, kit.get("state")?.as_str()?))
}

/// Whether the run is one to grade: this exercise's kit ran to its end, or was stopped at its
/// time limit (a deadlock), and the program then ended by itself.
fn gradable(status: &Value, info: &ExerciseInfo) -> bool {
    let end = status.get("end").and_then(Value::as_str);
    let ended_well = match end {
        Some("returned" | "time_limit") => true,
        Some("exit") => {
            status.get("code").and_then(Value::as_i64) == Some(0)
        }
        _ => false,
    };
    ended_well
        && match kit(status) {
            Some((name, "finished")) => name == info.base_name(),
            Some((name, "started")) => {
                name == info.base_name() && end == Some("time_limit")
            }
            _ => false,
        }
}

/// What went wrong with a run that was not graded, continuing "your program …", in Python's
/// words.
pub fn problem(run: &PyRun, info: &ExerciseInfo) -> String {
    let code = match &run.report.verdict {
        Verdict::Exited(code) => *code,
        Verdict::TimedOut(limit) => {
            let which = match stuck_step(&run.report.stderr) {
                Some((task, Some(at), seconds)) => format!(
                    "one step of `{task}` held the event loop for more than {seconds:.0} s, \
                     at {at}, without reaching an `await` that waits"
                ),
                Some((task, None, seconds)) => format!(
                    "one step of `{task}` held the event loop for more than {seconds:.0} s \
                     without reaching an `await` that waits"
                ),
                None => "a step of a task never gave the event loop back"
                    .to_string(),
            };
            return format!(
                "did not finish within {} s and was stopped: {which} (`time.sleep`, a CPU \
                 loop, or another blocking call inside a coroutine); await `asyncio.sleep`, or \
                 move blocking work to `asyncio.to_thread`",
                limit.as_secs_f64()
            );
        }
        other => return other.describe(),
    };
    let Some(status) = &run.status else {
        // The interpreter's own last word, when it said one (already made visible).
        let said = run
            .report
            .stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .map(|l| format!("; it said: {}", l.trim()))
            .unwrap_or_default();
        return format!(
            "ended with exit code {code} without the recorder seeing how (`os._exit`, or the \
             interpreter itself failed){said}"
        );
    };
    let kit_call = format!(
        "`run({})` of `asyncscope_kit.{}`",
        info.base_name(),
        info.base_name()
    );
    let text = |key: &str| {
        runner::visible(
            status.get(key).and_then(Value::as_str).unwrap_or_default(),
            false,
        )
    };
    match py::ending_from_status(status, PROGRAM_LIMIT) {
        Ending::SyntaxError { message, line } => format!(
            "has a syntax error{}: {}; nothing ran",
            line.map(|l| format!(" on line {l}")).unwrap_or_default(),
            runner::visible(&message, false)
        ),
        Ending::Unreadable(why) => {
            format!("could not be read: {}", runner::visible(&why, false))
        }
        Ending::Raised { kind, message } => {
            let at = match status.get("line").and_then(Value::as_u64) {
                Some(line) => format!(
                    " (at {}:{line})",
                    Path::new(&text("file"))
                        .file_name()
                        .map_or_else(String::new, |n| n
                            .to_string_lossy()
                            .into_owned())
                ),
                None => String::new(),
            };
            let message = if message.is_empty() {
                String::new()
            } else {
                format!(": {}", runner::visible(&message, false))
            };
            format!(
                "raised {}{message}{at}, and the run ended there",
                runner::visible(&kind, false)
            )
        }
        Ending::Exited(n) => match kit(status) {
            Some((_, "started")) => format!(
                "called sys.exit({n}) in the middle of its run, before handing it over to be \
                 graded: return from your function instead"
            ),
            Some(_) => format!(
                "called sys.exit({n}) after its run: a failing exit code, so the run was not \
                 graded; let the file simply end"
            ),
            _ => format!(
                "called sys.exit({n}) before its run was handed over to be graded: leave the \
                 ending to {kit_call}"
            ),
        },
        _ => match kit(status) {
            Some((name, _)) if name != info.base_name() => format!(
                "ran the kit of exercise `{}`, not this one's: call {kit_call}",
                runner::visible(name, false)
            ),
            _ => format!(
                "ended without handing a run over to be graded: does the file still call \
                 {kit_call} at its end?"
            ),
        },
    }
}

/// The watchdog's report of a step that held the loop (asyncscope.py's `_watch_steps`):
/// the task, the line it was on, and how long it had held the loop, made visible.
fn stuck_step(stderr: &str) -> Option<(String, Option<String>, f64)> {
    let json = stderr
        .lines()
        .find_map(|l| l.strip_prefix("asyncscope: stuck in one step: "))?;
    let report: Value = serde_json::from_str(json).ok()?;
    let task = runner::visible(report.get("task")?.as_str()?, false);
    let at = report
        .get("at")
        .and_then(Value::as_str)
        .map(|at| runner::visible(at, false));
    Some((task, at, report.get("seconds")?.as_f64()?.floor()))
}
