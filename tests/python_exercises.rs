//! The Python exercises (fetch_all_py, dashboard_py, bank_py): graded by the same checks as
//! their Rust twins, from a contained python3 run on the recorder's virtual clock. Every
//! reference and correct alternative passes; every starter, wrong and hard-coded answer fails
//! with the message of its mistake; Python's own endings are said in sentences; reset keeps
//! the learner's version. python3 (3.9 or newer) must be on PATH: nothing here is skipped.

mod common;

use asyncscope::exercise::info::{ExerciseInfo, Language};
use asyncscope::exercise::runner::Watchers;
use asyncscope::exercise::{EXERCISES_PACKAGE, Reset};
use common::*;
use std::path::{Path, PathBuf};

fn info_of(name: &str) -> ExerciseInfo {
    infos()
        .into_iter()
        .find(|i| i.name == name)
        .unwrap_or_else(|| panic!("no exercise {name}"))
}

/// Each reference passes with every check.
#[test]
fn every_reference_solution_passes() {
    for name in ["fetch_all_py", "dashboard_py", "bank_py"] {
        let c = assert_passes(name);
        let tl = c.timeline.expect("a timeline");
        assert_eq!(tl.header.runtime.as_deref(), Some("asyncio"));
        assert_eq!(tl.header.scenario, name);
    }
}

#[test]
fn every_correct_alternative_passes() {
    for (name, bin) in [
        ("fetch_all_py", "right_fetch_all_tasks"),
        ("fetch_all_py", "right_fetch_all_as_completed"),
        ("dashboard_py", "right_dashboard_tasks"),
        ("bank_py", "right_bank_reverse_order"),
    ] {
        assert_bin_passes(name, bin);
    }
}

/// The same numbers as the Rust kits': the slowest page 1u, the dashboard ready at 1.5u, the
/// bank's transfers done at 3u.
#[test]
fn the_references_take_the_rust_kits_times() {
    for (name, units) in [
        ("fetch_all_py", 1.0),
        ("dashboard_py", 1.5),
        ("bank_py", 3.0),
    ] {
        let c = assert_passes(name);
        let tl = c.timeline.unwrap();
        let total = tl.units(tl.finish_stamp().rt_ns);
        assert!((total - units).abs() < 1e-9, "{name}: {total}");
    }
}

/// (exercise, file, failing check, phrase): one row per mistake.
const WRONG: &[(&str, &str, &str, &str)] = &[
    (
        "fetch_all_py",
        "starter_fetch_all_py",
        "waits_overlap",
        "ran one after another",
    ),
    (
        "fetch_all_py",
        "starter_fetch_all_py",
        "waits_overlap",
        "python/fetch_all.py:19",
    ),
    (
        "fetch_all_py",
        "starter_fetch_all_py",
        "total_at_most",
        "took 7.50u",
    ),
    (
        "fetch_all_py",
        "wrong_fetch_all_finish_order",
        "values_equal:results",
        "wrong order",
    ),
    (
        "fetch_all_py",
        "wrong_fetch_all_not_awaited",
        "waits_overlap",
        "was never awaited",
    ),
    (
        "fetch_all_py",
        "wrong_fetch_all_not_awaited",
        "values_equal:results",
        "wrong order",
    ),
    (
        "fetch_all_py",
        "wrong_fetch_all_hard_coded",
        "waits_overlap",
        "made up without calling it",
    ),
    (
        "fetch_all_py",
        "wrong_fetch_all_hard_coded",
        "total_at_most",
        "took no time at all",
    ),
    (
        "fetch_all_py",
        "wrong_fetch_all_asyncio_run",
        "run",
        "raised RuntimeError: asyncio.run() cannot be called from a running event loop",
    ),
    (
        "fetch_all_py",
        "wrong_fetch_all_exit",
        "run",
        "called sys.exit(0) in the middle of its run",
    ),
    (
        "dashboard_py",
        "starter_dashboard_py",
        "values_equal:lines",
        "one line per source",
    ),
    (
        "dashboard_py",
        "starter_dashboard_py",
        "waits_overlap",
        "ran one after another",
    ),
    (
        "dashboard_py",
        "wrong_dashboard_sequential",
        "waits_overlap",
        "ran one after another",
    ),
    (
        "dashboard_py",
        "wrong_dashboard_sequential",
        "total_at_most",
        "took 3.30u",
    ),
    (
        "dashboard_py",
        "wrong_dashboard_fail_fast",
        "no_panics",
        "`dashboard` raised an exception",
    ),
    (
        "dashboard_py",
        "wrong_dashboard_fail_fast",
        "values_equal:lines",
        "did not return a result",
    ),
    (
        "dashboard_py",
        "wrong_dashboard_fail_fast",
        "no_leaks",
        "keep each task and await",
    ),
    (
        "dashboard_py",
        "wrong_dashboard_exception_objects",
        "values_equal:lines",
        "SourceError",
    ),
    (
        "dashboard_py",
        "wrong_dashboard_hard_coded",
        "values_equal:lines",
        "one line per source",
    ),
    (
        "dashboard_py",
        "wrong_dashboard_hard_coded",
        "waits_overlap",
        "never awaited",
    ),
    (
        "bank_py",
        "starter_bank_py",
        "values_equal:total",
        "lost update",
    ),
    (
        "bank_py",
        "wrong_bank_lock_twice",
        "values_equal:balances",
        "lost update",
    ),
    (
        "bank_py",
        "wrong_bank_global_lock",
        "waits_overlap",
        "ran one after another",
    ),
    (
        "bank_py",
        "wrong_bank_global_lock",
        "total_at_most",
        "took 4.80u",
    ),
    (
        "bank_py",
        "wrong_bank_opposite_order",
        "no_deadlock",
        "waits for Lock account B held by `transfer-2 B→A`",
    ),
    (
        "bank_py",
        "wrong_bank_opposite_order",
        "finishes",
        "never finished",
    ),
];

#[test]
fn every_starter_and_wrong_solution_fails_with_its_mistake() {
    for &(name, bin, id, phrase) in WRONG {
        assert_fails_with(name, bin, id, phrase);
    }
}

/// Rust words stay out of a Python learner's verdicts: no JoinHandle, no `select!`, no
/// "panicked", no `.await` (Python's is `await`).
#[test]
fn python_verdicts_name_python_things() {
    let rust_words = [
        "JoinHandle",
        "select!",
        "panicked",
        ".await",
        "spawn_blocking",
        "tokio",
    ];
    let bins: std::collections::BTreeSet<(&str, &str)> =
        WRONG.iter().map(|&(n, b, ..)| (n, b)).collect();
    for (name, bin) in bins {
        let c = check(name, bin);
        let said = exercise::describe(&c, 100);
        for word in rust_words {
            // The timeline's legend names every outcome, `panicked` included.
            let verdicts: String = said
                .lines()
                .take_while(|l| !l.starts_with("your run:"))
                .collect();
            assert!(!verdicts.contains(word), "{bin} says {word}: {said}");
        }
    }
}

/// The check list names each Python exercise right after its Rust twin, with the same checks.
#[test]
fn each_python_exercise_follows_its_twin_with_the_same_checks() {
    let all = infos();
    for name in ["fetch_all", "dashboard", "bank"] {
        let at = all.iter().position(|i| i.name == name).unwrap();
        let (rust, py) = (&all[at], &all[at + 1]);
        assert_eq!(py.name, format!("{name}_py"));
        assert_eq!(py.language, Language::Python);
        assert_eq!(py.checks, rust.checks);
        assert_eq!(py.lesson, rust.lesson);
        assert_eq!(py.file(), format!("python/{name}.py"));
        assert_ne!(py.hints, rust.hints, "Python hints of their own");
        assert!(root().join("exercises").join(py.file()).is_file());
        assert!(
            root().join("solutions/starters").join(py.file()).is_file()
        );
        assert_eq!(
            std::fs::read(root().join("exercises").join(py.file()))
                .unwrap(),
            std::fs::read(
                root().join("solutions/starters").join(py.file())
            )
            .unwrap(),
            "{name}: the learner's file is the pristine starter"
        );
        assert!(
            root().join(format!("solutions/python/{name}.py")).is_file()
        );
    }
}

/// A workspace of its own with the learner's file for `name` replaced by `source`.
fn workspace(name: &str, files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("asyncscope-pyex-")
        .tempdir()
        .unwrap();
    let info = info_of(name);
    for sub in ["exercises/python", "solutions/starters/python"] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
    }
    std::fs::copy(
        root().join("exercises/info.toml"),
        dir.path().join("exercises/info.toml"),
    )
    .unwrap();
    std::fs::copy(
        root().join("solutions/starters").join(info.file()),
        dir.path().join("solutions/starters").join(info.file()),
    )
    .unwrap();
    // A learner folder, as `asyncscope init` makes one: its manifest names the exercises' crate.
    std::fs::write(
        dir.path().join("Cargo.toml"),
        format!("[package]\nname = \"{EXERCISES_PACKAGE}\"\nversion = \"0.1.0\"\n"),
    )
    .unwrap();
    for (path, text) in files {
        std::fs::write(
            dir.path().join("exercises/python").join(path),
            text,
        )
        .unwrap();
    }
    dir
}

fn check_learner(
    dir: &Path,
    name: &str,
    info: &ExerciseInfo,
) -> exercise::Checked {
    let checked = exercise::check_with(
        dir,
        EXERCISES_PACKAGE,
        name,
        info,
        false,
        Watchers::none(),
    );
    assert!(checked.compile_error.is_none());
    checked
}

fn problem(dir: &Path, name: &str) -> String {
    let c = check_learner(dir, name, &info_of(name));
    assert!(!c.passed);
    c.run_problem
        .clone()
        .unwrap_or_else(|| panic!("a run problem: {:#?}", failures(&c)))
}

#[test]
fn a_syntax_error_is_named_with_its_line() {
    let dir = workspace(
        "fetch_all_py",
        &[(
            "fetch_all.py",
            "from asyncscope_kit.fetch_all import run\n\nasync def fetch_all(ids)\n    return ids\n",
        )],
    );
    let said = problem(dir.path(), "fetch_all_py");
    assert!(said.starts_with("has a syntax error on line 3:"), "{said}");
    assert!(said.ends_with("nothing ran"), "{said}");
}

#[test]
fn a_crash_is_named_with_its_exception_and_line() {
    let dir = workspace(
        "fetch_all_py",
        &[(
            "fetch_all.py",
            "import asyncio\nfrom asyncscope_kit.fetch_all import fetch_page, run\n\n\
             async def fetch_all(ids):\n    await fetch_page(ids[0])\n    \
             raise ValueError('page 2 is \\x1b[2J gone')\n\nrun(fetch_all)\n",
        )],
    );
    let said = problem(dir.path(), "fetch_all_py");
    // The escape sequence is shown, never sent.
    assert_eq!(
        said,
        "raised ValueError: page 2 is \\x1b[2J gone (at fetch_all.py:6), and the run ended there"
    );
}

#[test]
fn a_file_that_never_calls_the_kit_says_so() {
    let dir = workspace(
        "fetch_all_py",
        &[(
            "fetch_all.py",
            "import asyncio\n\nasync def main():\n    await asyncio.sleep(1)\n\nasyncio.run(main())\n",
        )],
    );
    let said = problem(dir.path(), "fetch_all_py");
    assert!(said.contains("does the file still call `run(fetch_all)` of `asyncscope_kit.fetch_all`"), "{said}");
}

/// The values the checks compare are the kit's: `asyncscope.value` is refused in an exercise.
#[test]
fn graded_values_cannot_be_set_by_the_learner() {
    let dir = workspace(
        "fetch_all_py",
        &[(
            "fetch_all.py",
            "import asyncscope\nfrom asyncscope_kit.fetch_all import run\n\n\
             async def fetch_all(ids):\n    \
             asyncscope.value('results', ['page %d' % i for i in ids])\n    \
             return []\n\nrun(fetch_all)\n",
        )],
    );
    let said = problem(dir.path(), "fetch_all_py");
    assert!(
        said.contains("asyncscope.value is not available in an exercise"),
        "{said}"
    );
}

/// A step that never gives the loop back is stopped at the wall-clock limit, in Python's
/// words; what it started is gone with it.
#[test]
fn a_blocked_loop_is_stopped_and_its_processes_with_it() {
    let marker = format!("3{}.25", std::process::id() % 1000);
    let source = format!(
        "import subprocess, time\nfrom asyncscope_kit.fetch_all import run\n\n\
         async def fetch_all(ids):\n    subprocess.Popen(['sleep', '{marker}'])\n    \
         print('started', flush=True)\n    time.sleep(60)\n    return []\n\nrun(fetch_all)\n"
    );
    let dir = workspace("fetch_all_py", &[("fetch_all.py", &source)]);
    let info = ExerciseInfo {
        time_limit_s: 2.0,
        ..info_of("fetch_all_py")
    };
    let c = check_learner(dir.path(), "fetch_all_py", &info);
    assert!(c.stdout.contains("started"), "{}", c.stdout);
    let said = c.run_problem.unwrap();
    assert!(
        said.starts_with("did not finish within 2 s and was stopped"),
        "{said}"
    );
    assert!(
        said.contains("`time.sleep`") && said.contains("asyncio.to_thread"),
        "{said}"
    );
    let left: Vec<PathBuf> = std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .map(|e| e.path().join("cmdline"))
        .filter(|p| {
            std::fs::read(p).is_ok_and(|c| {
                c.split(|b| *b == 0).any(|w| w == marker.as_bytes())
            })
        })
        .collect();
    assert!(left.is_empty(), "the program's child outlived it: {left:?}");
}

/// Past a few seconds in one step, the watchdog names the task and the line it is on, so the
/// time-out says where to look.
#[test]
fn a_step_held_past_the_watchdog_is_named_with_its_line() {
    let source = "import time\nfrom asyncscope_kit.fetch_all import run\n\n\
                  async def fetch_all(ids):\n    time.sleep(60)\n    return []\n\n\
                  run(fetch_all)\n";
    let dir = workspace("fetch_all_py", &[("fetch_all.py", source)]);
    let info = ExerciseInfo {
        time_limit_s: 5.0,
        ..info_of("fetch_all_py")
    };
    let c = check_learner(dir.path(), "fetch_all_py", &info);
    let said = c.run_problem.unwrap();
    assert!(
        said.starts_with(
            "did not finish within 5 s and was stopped: one step of `"
        ),
        "{said}"
    );
    assert!(said.contains("held the event loop for more than"), "{said}");
    assert!(said.contains("at fetch_all.py:5,"), "{said}");
    eprintln!("{said}");
}

#[test]
fn an_output_flood_is_stopped() {
    let dir = workspace(
        "fetch_all_py",
        &[(
            "fetch_all.py",
            "from asyncscope_kit.fetch_all import run\n\nasync def fetch_all(ids):\n    \
             while True:\n        print('x' * 1000)\n\nrun(fetch_all)\n",
        )],
    );
    let said = problem(dir.path(), "fetch_all_py");
    assert!(
        said.starts_with("printed more than 4 MiB and was stopped"),
        "{said}"
    );
}

/// No `__pycache__` beside the learner's files, even for a module of their own they import.
#[test]
fn no_bytecode_is_written_beside_the_learners_files() {
    let dir = workspace(
        "fetch_all_py",
        &[
            (
                "helper.py",
                "import asyncio\n\ndef together(coros):\n    return asyncio.gather(*coros)\n",
            ),
            (
                "fetch_all.py",
                "from helper import together\nfrom asyncscope_kit.fetch_all import fetch_page, run\n\n\
                 async def fetch_all(ids):\n    return await together(fetch_page(i) for i in ids)\n\n\
                 run(fetch_all)\n",
            ),
        ],
    );
    // Through the command, from the workspace, without the setting in its environment (this
    // machine's shell may have it): asyncscope sets it for the program.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_asyncscope"))
        .args(["check", "fetch_all_py"])
        .current_dir(dir.path())
        .env_remove("PYTHONDONTWRITEBYTECODE")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && said.starts_with("fetch_all_py — ✓ passed"),
        "{said}"
    );
    assert!(!dir.path().join("exercises/python/__pycache__").exists());
    assert!(!root().join("src/python/__pycache__").exists());
    assert!(
        !root()
            .join("src/python/asyncscope_kit/__pycache__")
            .exists()
    );
}

#[test]
fn reset_restores_the_starter_and_keeps_a_backup() {
    let mine = "# my attempt\n";
    let dir = workspace("bank_py", &[("bank.py", mine)]);
    let info = info_of("bank_py");
    let learner = dir.path().join("exercises/python/bank.py");
    let Reset::Restored {
        backup: Some(backup),
    } = exercise::reset(dir.path(), &info).unwrap()
    else {
        panic!("a backup");
    };
    assert_eq!(backup.extension().unwrap(), "py");
    assert!(backup.starts_with(dir.path().join("exercises/.backups")));
    assert_eq!(std::fs::read_to_string(&backup).unwrap(), mine);
    assert_eq!(
        std::fs::read(&learner).unwrap(),
        std::fs::read(root().join("solutions/starters/python/bank.py"))
            .unwrap()
    );
    assert_eq!(
        exercise::reset(dir.path(), &info).unwrap(),
        Reset::AlreadyPristine
    );
    // The starter it restored fails, as every starter does.
    assert!(!check_learner(dir.path(), "bank_py", &info).passed);
}

/// A learner folder (`asyncscope init`) holds the Python starters, and grades them with the
/// binary's checks; its reference (the TUI's, beside the learner's run) is the binary's too.
#[test]
fn a_learner_folder_has_the_python_exercises_and_their_reference() {
    let parent = tempfile::Builder::new()
        .prefix("asyncscope-pyinit-")
        .tempdir()
        .unwrap();
    let dir = parent.path().join("learner");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_asyncscope"))
        .arg("init")
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for name in ["fetch_all", "dashboard", "bank"] {
        let file = format!("python/{name}.py");
        assert_eq!(
            std::fs::read(dir.join("exercises").join(&file)).unwrap(),
            std::fs::read(root().join("solutions/starters").join(&file))
                .unwrap()
        );
    }
    assert!(!dir.join("solutions").exists());
    let info = info_of("dashboard_py");
    let reference = exercise::check(
        &dir,
        SOLUTIONS_PACKAGE,
        "solution_dashboard_py",
        &info,
        false,
    );
    assert!(reference.passed, "{:#?}", failures(&reference));
    assert!(!check_learner(&dir, "dashboard_py", &info).passed);
}
