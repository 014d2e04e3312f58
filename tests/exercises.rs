//! Every exercise is graded from the trace of a real run: each starter fails, each reference
//! solution passes, and each wrong solution fails with the message of its mistake.
//!
//! The solutions, wrong solutions and pristine starters are binaries of the
//! `asyncscope-solutions` package, built once and run contained like a learner's code.

mod common;

use common::*;

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
        "all_done:jobs_done",
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
        "nobody waited for",
    );
}

#[test]
fn every_exercise_has_a_starter_a_solution_and_a_learner_file() {
    let manifest = std::fs::read_to_string(
        root().join("crates/asyncscope-solutions/Cargo.toml"),
    )
    .unwrap();
    // The Python variants' files are checked in tests/python_exercises.rs.
    for i in infos()
        .into_iter()
        .filter(|i| i.language == info::Language::Rust)
    {
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
