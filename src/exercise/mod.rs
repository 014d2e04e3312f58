//! Exercises graded from the runtime trace: the harness the exercise binaries run, the
//! contained runner, the metadata, and the kits (simulated services and the driver around each
//! exercise's learner function).
//!
//! No `unsafe` here: the process and libc code is in [`crate::sandbox`].

#![deny(unsafe_code)]

// The harness and kits exercise binaries link live in the small crate.
pub use asyncscope_kit::exercise::{harness, kits};
pub mod info;
pub mod learner_crate;
pub mod progress;
pub mod python;
pub mod runner;
pub mod watch;

use crate::export;
use crate::grade::{self, CheckResult};
use crate::timeline::Timeline;
use info::{ExerciseInfo, Language};
use runner::{BuildFailed, Limits, Verdict, Watchers, visible};
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
/// For a Python exercise, `bin` names a file instead ([`python::file_for`]), run by python3.
pub fn check(
    root: &Path,
    package: &str,
    bin: &str,
    info: &ExerciseInfo,
    color: bool,
) -> Checked {
    check_with(root, package, bin, info, color, Watchers::none())
}

/// [`check`], stopped at once when `watch.cancel` is set; `watch.note` hears what the learner
/// waits for (another build holding cargo's lock).
///
/// Every string in the result that comes from the learner's program (output, panic message,
/// compile errors, names in the trace) is made visible ([`runner::visible`]): printing it never
/// sends the terminal an escape sequence, apart from cargo's colours when `color` is set.
pub fn check_with(
    root: &Path,
    package: &str,
    bin: &str,
    info: &ExerciseInfo,
    color: bool,
    watch: Watchers<'_>,
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
    if package == EXERCISES_PACKAGE && !is_exercises_root(root) {
        checked.run_problem =
            Some(format!("cannot be checked: {NO_EXERCISES_HERE}"));
        return checked;
    }
    // Python runs no build: the learner crate's manifest is no part of it.
    if info.language == Language::Python {
        let file = python::file_for(root, package, bin, info);
        match python::run(root, &file, info, watch) {
            Ok(run) => {
                checked.stdout = run.report.stdout.clone();
                if !graded(&mut checked, info, &run.report.verdict) {
                    checked.run_problem = Some(python::problem(&run, info));
                }
            }
            Err(why) => checked.run_problem = Some(why),
        }
        return checked;
    }
    if package == EXERCISES_PACKAGE
        && let Some(problem) = learner_crate::problem(root)
    {
        checked.run_problem = Some(problem);
        return checked;
    }
    // Outside a checkout, the reference solution is built from the binary's own copy.
    let in_learner_folder = !root.join(CHECKOUT_MANIFEST).is_file();
    let build_root = if package == SOLUTIONS_PACKAGE && in_learner_folder {
        match learner_crate::reference_crate(root, &info.file()) {
            Ok(dir) => dir,
            Err(e) => {
                checked.run_problem =
                    Some(format!("could not be built: {e}"));
                return checked;
            }
        }
    } else {
        root.to_path_buf()
    };
    let binary =
        match runner::build_with(&build_root, package, bin, color, watch) {
            Ok(b) => b,
            Err(BuildFailed::Compile(output)) => {
                checked.compile_error = Some(output);
                return checked;
            }
            Err(other) => {
                checked.run_problem = Some(other.to_string());
                return checked;
            }
        };
    let report = runner::run_with(
        &binary,
        Limits::with_wall(info.time_limit_s),
        watch,
    );
    checked.stdout = report.stdout;
    if graded(&mut checked, info, &report.verdict) {
        return checked;
    }
    match report.verdict {
        Verdict::TimedOut(limit) => {
            let mut problem = Verdict::TimedOut(limit).describe();
            // The watchdog saw one poll that never ended: say which, not "an endless loop?".
            if let Some(stuck) = harness::StuckPoll::find(&report.stderr) {
                problem = format!(
                    "did not finish within {} s and was stopped: {}",
                    limit.as_secs_f64(),
                    visible(&stuck.sentence(), false)
                );
            }
            checked.run_problem = Some(problem);
        }
        Verdict::Exited(code)
            if report.stderr.lines().any(|l| l == harness::RUN_STARTED) =>
        {
            checked.run_problem = Some(format!(
                "exited (code {code}) in the middle of its run, before handing it over to be \
                 graded: a call to `process::exit` ends the program at once; return from your \
                 function instead"
            ));
        }
        other => checked.run_problem = Some(other.describe()),
    }
    checked
}

/// Grade the run's trace with the exercise's checks, if it handed one over whole; `false`
/// when there is none, and the run's problem is to be said instead.
fn graded(
    checked: &mut Checked,
    info: &ExerciseInfo,
    verdict: &Verdict,
) -> bool {
    let Verdict::Finished(trace) = verdict else {
        return false;
    };
    let tl = Timeline::from_trace(trace);
    checked.checks = grade::grade(&info.checks, &tl);
    for c in &mut checked.checks {
        c.message = visible(&c.message, false);
    }
    checked.passed = checked.checks.iter().all(|c| c.passed);
    checked.timeline = Some(tl);
    true
}

/// The folder the learner works in: the nearest of the current folder and its parents that
/// holds `exercises/` and the exercises' crate, either a learner folder `asyncscope init`
/// wrote (its `Cargo.toml` is that crate) or a source checkout (`crates/asyncscope-exercises`).
/// Given relative to the current folder (".", "..", …), so messages name short paths.
pub fn workspace_root() -> Result<PathBuf, String> {
    let mut candidate = PathBuf::from(".");
    let here = std::env::current_dir()
        .map_err(|e| format!("cannot tell which folder this is ({e})"))?;
    for dir in here.ancestors() {
        if is_exercises_root(dir) {
            return Ok(candidate);
        }
        candidate = if candidate == Path::new(".") {
            PathBuf::from("..")
        } else {
            candidate.join("..")
        };
    }
    Err(NO_EXERCISES_HERE.to_string())
}

/// Said when no learner folder is found from the current folder up.
pub const NO_EXERCISES_HERE: &str = "there are no exercises in this folder or above it: run \
                                     `asyncscope init` to make a folder of them (or run this \
                                     from the folder it made)";

/// Does `dir` hold the learner's exercises and the crate that builds them?
pub fn is_exercises_root(dir: &Path) -> bool {
    if !dir.join("exercises").is_dir() {
        return false;
    }
    if dir.join(CHECKOUT_MANIFEST).is_file() {
        return true;
    }
    // A learner folder: the folder's own manifest is the exercises' package.
    std::fs::read_to_string(dir.join("Cargo.toml")).is_ok_and(|manifest| {
        manifest.parse::<toml::Table>().is_ok_and(|t| {
            t.get("package")
                .and_then(|p| p.get("name"))
                .and_then(|n| n.as_str())
                == Some(EXERCISES_PACKAGE)
        })
    })
}

/// Where the exercises' manifest is in a source checkout.
pub const CHECKOUT_MANIFEST: &str =
    "crates/asyncscope-exercises/Cargo.toml";

/// What a check found, for the learner: the verdict, each check's message, and the run's
/// timeline when it did not pass. Lines fit in `width` columns where they can.
pub fn describe(c: &Checked, width: usize) -> String {
    let width = width.max(40);
    let mut s = format!(
        "{} — {}\n",
        c.name,
        if c.passed {
            "✓ passed"
        } else {
            "✗ not yet"
        }
    );
    if let Some(err) = &c.compile_error {
        s += "it does not compile yet; cargo says:\n\n";
        s += err;
        return s;
    }
    if let Some(problem) = &c.run_problem {
        s += &format!("  ✗ your program {problem}\n");
    }
    for r in &c.checks {
        let mark = if r.passed { "✓" } else { "✗" };
        for line in export::text::wrap(
            &format!("{mark} {}", r.message),
            width - 4,
            4,
        ) {
            s += &format!("  {line}\n");
        }
    }
    if !c.passed
        && let Some(tl) = &c.timeline
    {
        // Inputs that vary per run: how to run these very inputs again.
        if let Some(seed) = tl.values.get("seed").and_then(|v| v.as_u64()) {
            s += &format!(
                "  this run's inputs came from seed {seed}: {}={seed} replays them\n",
                harness::SEED_ENV
            );
        }
        s += "\nyour run:\n";
        s += &visible(
            &export::text::render(tl, width.min(u16::MAX as usize) as u16),
            false,
        );
    }
    s
}

/// The learner's file for an exercise.
pub fn learner_file(root: &Path, info: &ExerciseInfo) -> PathBuf {
    root.join("exercises").join(info.file())
}

/// What [`reset`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reset {
    /// The file was already as it started: nothing was touched.
    AlreadyPristine,
    /// The starter is back; the learner's version was kept at `backup` (`None`: there was no
    /// file to keep).
    Restored { backup: Option<PathBuf> },
}

/// Put an exercise back as it started (its pristine starter, built into the binary), keeping
/// the learner's version in `exercises/.backups/` first. The new file replaces the old one in
/// one rename, so an editor or watcher never sees half a file.
///
/// Errors name the file and what was (not) changed; a backup that could not be written whole
/// is removed, never left empty or cut short.
pub fn reset(root: &Path, info: &ExerciseInfo) -> std::io::Result<Reset> {
    use std::io::{Error, Write};
    let with_path = |what: &str, path: &Path, e: Error| {
        Error::new(e.kind(), format!("{what} {}: {e}", path.display()))
    };
    let target = learner_file(root, info);
    let pristine =
        crate::embedded::starter(&info.file()).ok_or_else(|| {
            Error::other(format!(
                "this asyncscope has no starter for {}",
                info.name
            ))
        })?;
    let current = std::fs::read(&target).ok();
    if current.as_deref() == Some(pristine) {
        return Ok(Reset::AlreadyPristine);
    }
    let backup = match current {
        Some(mine) => {
            let backups = root.join("exercises").join(".backups");
            std::fs::create_dir_all(&backups).map_err(|e| {
                with_path("could not make the folder", &backups, e)
            })?;
            let stamp = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0);
            // Never overwrite an earlier backup, even one from the same second: the name is
            // taken with create_new, so two resets at once cannot pick the same one.
            let mut n = 1;
            let ext = info.language.extension();
            let (backup, mut file) = loop {
                let name = match n {
                    1 => format!("{}-{stamp}.{ext}", info.name),
                    n => format!("{}-{stamp}-{n}.{ext}", info.name),
                };
                let path = backups.join(name);
                match std::fs::File::create_new(&path) {
                    Ok(f) => break (path, f),
                    Err(e)
                        if e.kind()
                            == std::io::ErrorKind::AlreadyExists
                            && n < 10_000 =>
                    {
                        n += 1
                    }
                    Err(e) => {
                        return Err(with_path(
                            "could not make the backup",
                            &path,
                            e,
                        ));
                    }
                }
            };
            if let Err(e) =
                file.write_all(&mine).and_then(|()| file.sync_all())
            {
                drop(file);
                let _ = std::fs::remove_file(&backup);
                return Err(Error::new(
                    e.kind(),
                    format!(
                        "could not keep your version in {} ({e}); {} is unchanged",
                        backup.display(),
                        target.display()
                    ),
                ));
            }
            Some(backup)
        }
        None => None,
    };
    let tmp =
        target.with_extension(format!("{}.tmp", info.language.extension()));
    let replaced = std::fs::write(&tmp, pristine)
        .and_then(|()| std::fs::rename(&tmp, &target));
    if let Err(e) = replaced {
        let _ = std::fs::remove_file(&tmp);
        let kept = match &backup {
            Some(b) => {
                format!(" (your version is also in {})", b.display())
            }
            None => String::new(),
        };
        return Err(Error::new(
            e.kind(),
            format!(
                "could not put the starter back in {} ({e}); it is unchanged{kept}",
                target.display()
            ),
        ));
    }
    Ok(Reset::Restored { backup })
}
