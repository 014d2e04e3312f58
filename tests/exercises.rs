//! Every exercise is graded from the trace of a real run: each starter fails, each reference
//! solution passes, and each wrong solution fails with the message of its mistake.
//!
//! The solutions, wrong solutions and pristine starters are binaries of the
//! `asyncscope-solutions` package, built once and run contained like a learner's code.

use asyncscope::exercise::{self, SOLUTIONS_PACKAGE, info};
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn infos() -> Vec<info::ExerciseInfo> {
    info::load(&root().join("exercises/info.toml"))
        .expect("info.toml loads")
}

/// Check binary `bin` of the solutions package as exercise `name`.
fn check(name: &str, bin: &str) -> exercise::Checked {
    let infos = infos();
    let info = infos
        .iter()
        .find(|i| i.name == name)
        .expect("exercise exists");
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
fn failures(c: &exercise::Checked) -> Vec<String> {
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

fn assert_passes(name: &str) {
    let c = check(name, &format!("solution_{name}"));
    assert!(
        c.passed,
        "the solution of {name} fails: {:#?}",
        failures(&c)
    );
}

/// `bin` fails `name`, and among its failures is check `id` with `phrase` in its message.
fn assert_fails_with(name: &str, bin: &str, id: &str, phrase: &str) {
    let c = check(name, bin);
    assert!(!c.passed, "{bin} should fail {name}");
    let f = failures(&c);
    assert!(
        f.iter().any(|m| m.starts_with(id) && m.contains(phrase)),
        "{bin}: expected `{id}` mentioning `{phrase}`, got {f:#?}"
    );
}

#[test]
fn fetch_all() {
    assert_passes("fetch_all");
    assert_fails_with(
        "fetch_all",
        "starter_fetch_all",
        "waits_overlap",
        "ran one after another",
    );
    assert_fails_with(
        "fetch_all",
        "starter_fetch_all",
        "waits_overlap",
        "fetch_all.rs:",
    );
    assert_fails_with(
        "fetch_all",
        "wrong_fetch_all_finish_order",
        "values_equal:results",
        "wrong order",
    );
}

#[test]
fn forgot_to_await() {
    assert_passes("forgot_to_await");
    assert_fails_with(
        "forgot_to_await",
        "starter_forgot_to_await",
        "values_equal:jobs_done",
        "a future does nothing until it is awaited",
    );
    assert_fails_with(
        "forgot_to_await",
        "wrong_forgot_to_await_one_by_one",
        "waits_overlap",
        "one after another",
    );
    assert_fails_with(
        "forgot_to_await",
        "wrong_forgot_to_await_spawn_and_forget",
        "no_leaks",
        "nobody waited for it",
    );
}

#[test]
fn every_exercise_has_a_starter_a_solution_and_a_learner_file() {
    let manifest =
        std::fs::read_to_string(root().join("solutions/Cargo.toml"))
            .unwrap();
    for i in infos() {
        for bin in [
            format!("solution_{}", i.name),
            format!("starter_{}", i.name),
        ] {
            assert!(
                manifest.contains(&format!("\"{bin}\"")),
                "no bin {bin}"
            );
        }
        assert!(
            manifest.contains(&format!("\"wrong_{}_", i.name)),
            "{} has no wrong solution",
            i.name
        );
        assert!(root().join("exercises").join(i.file()).is_file());
        assert!(root().join("solutions/starters").join(i.file()).is_file());
        assert!(
            i.hints.len() >= 2,
            "{}: hints from gentle to explicit",
            i.name
        );
    }
}

#[test]
fn broken_metadata_names_the_line() {
    let (line, message) =
        info::parse("[[exercise]]\nname = \"x\"\nlesson = 1\n")
            .unwrap_err();
    assert_eq!(line, 3, "{message}");
    let bad_check = "[[exercise]]\nname = \"x\"\nlesson = \"01\"\ninstructions = \"\"\n\
                     hints = [\"h\"]\nchecks = [{ check = \"fast_enough\" }]\n";
    let (line, message) = info::parse(bad_check).unwrap_err();
    assert_eq!(line, 6);
    assert!(message.contains("fast_enough"), "{message}");
}
