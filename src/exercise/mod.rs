//! Exercises graded from the runtime trace: the harness the exercise binaries run, the
//! contained runner, the metadata, and the kits (simulated services and the driver around each
//! exercise's learner function).

pub mod harness;
pub mod info;
pub mod kits;
pub mod progress;
pub mod runner;

use crate::grade::{self, CheckResult};
use crate::timeline::Timeline;
use info::ExerciseInfo;
use runner::{Limits, Verdict};
use std::path::{Path, PathBuf};

/// The package learners edit, and the one holding reference and wrong solutions.
pub const EXERCISES_PACKAGE: &str = "asyncscope-exercises";
pub const SOLUTIONS_PACKAGE: &str = "asyncscope-solutions";

/// The outcome of checking one exercise.
#[derive(Debug)]
pub struct Checked {
    pub name: String,
    pub passed: bool,
    /// Compile errors, as cargo printed them.
    pub compile_error: Option<String>,
    /// How the run ended, when it did not finish normally.
    pub run_problem: Option<String>,
    pub checks: Vec<CheckResult>,
    pub timeline: Option<Timeline>,
    pub stdout: String,
}

/// Build `bin` of `package` in the workspace at `root`, run it contained, grade its trace.
pub fn check(
    root: &Path,
    package: &str,
    bin: &str,
    info: &ExerciseInfo,
    color: bool,
) -> Checked {
    let mut checked = Checked {
        name: info.name.clone(),
        passed: false,
        compile_error: None,
        run_problem: None,
        checks: Vec::new(),
        timeline: None,
        stdout: String::new(),
    };
    let binary = match runner::build(root, package, bin, color) {
        Ok(b) => b,
        Err(output) => {
            checked.compile_error = Some(output);
            return checked;
        }
    };
    let report = runner::run(&binary, Limits::with_wall(info.time_limit_s));
    checked.stdout = report.stdout;
    match report.verdict {
        Verdict::Finished(trace) => {
            let tl = Timeline::from_trace(&trace);
            checked.checks = grade::grade(&info.checks, &tl);
            checked.passed = checked.checks.iter().all(|c| c.passed);
            checked.timeline = Some(tl);
        }
        other => checked.run_problem = Some(other.describe()),
    }
    checked
}

/// The workspace root (where `exercises/` lives): the current folder if it has one, else the
/// source tree's.
pub fn workspace_root() -> PathBuf {
    let here = PathBuf::from(".");
    if here.join("exercises").join("info.toml").is_file() {
        here
    } else {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    }
}
