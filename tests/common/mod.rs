//! Helpers shared by the exercise tests: check a binary of the solutions package as an
//! exercise, and assert it passes, or fails with the message of its mistake.
//!
//! Each test binary uses a different subset of these.
#![allow(dead_code)]

pub use asyncscope::exercise::{self, SOLUTIONS_PACKAGE, info};
use std::path::Path;
use std::sync::Mutex;

/// Checks run one at a time: some exercises (offload, capstone) measure wall-clock time on
/// the runtime thread, and other checks' builds and runs would only add noise to it.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn infos() -> Vec<info::ExerciseInfo> {
    info::load(&root().join("exercises/info.toml"))
        .expect("info.toml loads")
}

/// Check binary `bin` of the solutions package as exercise `name`.
pub fn check(name: &str, bin: &str) -> exercise::Checked {
    let infos = infos();
    let info = infos
        .iter()
        .find(|i| i.name == name)
        .expect("exercise exists");
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let checked =
        exercise::check(root(), SOLUTIONS_PACKAGE, bin, info, false);
    assert!(
        checked.compile_error.is_none(),
        "{bin}: {:?}",
        checked.compile_error
    );
    checked
}

/// The failing checks' ids and messages, for assertion messages.
pub fn failures(c: &exercise::Checked) -> Vec<String> {
    let mut f: Vec<String> = c
        .checks
        .iter()
        .filter(|r| !r.passed)
        .map(|r| format!("{}: {}", r.id, r.message))
        .collect();
    if let Some(p) = &c.run_problem {
        f.push(format!("run: {p}"));
    }
    f
}

/// The checks a run failed, by id.
pub fn failed_ids(c: &exercise::Checked) -> Vec<String> {
    c.checks
        .iter()
        .filter(|r| !r.passed)
        .map(|r| r.id.clone())
        .collect()
}

pub fn assert_passes(name: &str) -> exercise::Checked {
    let c = check(name, &format!("solution_{name}"));
    assert!(
        c.passed,
        "the solution of {name} fails: {:#?}",
        failures(&c)
    );
    c
}

/// `bin` fails `name`, and among its failures is check `id` with `phrase` in its message.
pub fn assert_fails_with(
    name: &str,
    bin: &str,
    id: &str,
    phrase: &str,
) -> exercise::Checked {
    assert_fails_with_all(name, bin, &[(id, phrase)])
}

/// `bin` fails `name`, and for each `(id, phrase)` among its failures is check `id` with
/// `phrase` in its message.
pub fn assert_fails_with_all(
    name: &str,
    bin: &str,
    expected: &[(&str, &str)],
) -> exercise::Checked {
    let c = check(name, bin);
    assert!(!c.passed, "{bin} should fail {name}");
    let f = failures(&c);
    for (id, phrase) in expected {
        assert!(
            f.iter().any(|m| m.starts_with(id) && m.contains(phrase)),
            "{bin}: expected `{id}` mentioning `{phrase}`, got {f:#?}"
        );
    }
    c
}

/// Binary `bin` (a correct alternative) passes exercise `name`.
pub fn assert_bin_passes(name: &str, bin: &str) -> exercise::Checked {
    let c = check(name, bin);
    assert!(c.passed, "{bin} should pass {name}: {:#?}", failures(&c));
    c
}
