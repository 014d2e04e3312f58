//! Verdicts true for every reasonable solution, and messages that name the learner's own
//! mistake: correct alternatives written another way pass; wrong solutions (including
//! hard-coded answers) fail with the sentence of their mistake; the wrong solutions that a
//! fixed input once let through fail on every run, whatever the run's seed.
//!
//! The binaries are those of the `asyncscope-solutions` package (`solutions/right/`,
//! `solutions/wrong/`), built once and run contained like a learner's code.

mod common;

use common::*;

/// Correct alternatives: (exercise, binary).
const RIGHT: &[(&str, &str)] = &[
    ("fetch_all", "right_fetch_all_spawn_handles"),
    ("fetch_all", "right_fetch_all_joinset"),
    ("forgot_to_await", "right_forgot_to_await_spawn_handles"),
    ("forgot_to_await", "right_forgot_to_await_joinset"),
    ("dashboard", "right_dashboard_join_macro"),
    ("first_answer", "right_first_answer_select_all"),
    ("deadline", "right_deadline_select"),
    ("crawler", "right_crawler_buffer_unordered"),
    ("start_gate", "right_start_gate_semaphore"),
    ("offload", "right_offload_thread_oneshot"),
    ("bank", "right_bank_reverse_order"),
    ("retry", "right_retry_for_loop"),
    ("paginate", "right_paginate_item_buffer"),
    ("worker_pool", "right_worker_pool_spawn_handles"),
    ("shutdown", "right_shutdown_select_deadline"),
];

#[test]
fn correct_alternatives_pass() {
    for (name, bin) in RIGHT {
        assert_bin_passes(name, bin);
    }
}

/// `offload` with one `spawn_blocking` per block: the kit's blocking pool has two threads, so
/// the eight jobs never oversubscribe a 2-core machine and starve the runtime thread (with
/// tokio's default pool one poll measured 46 ms here, over `not_blocking`'s 20 ms).
#[test]
fn offload_per_block_passes() {
    let c = check("offload", "right_offload_per_block");
    assert!(c.passed, "{:#?}", c.checks);
}

/// Wrong solutions: (exercise, binary, failing check, phrase its message must contain).
const WRONG: &[(&str, &str, &str, &str)] = &[
    // Awaited only the last handle: another job still ran when run_jobs returned.
    (
        "forgot_to_await",
        "wrong_forgot_to_await_await_last",
        "all_done:jobs_done",
        "were still running",
    ),
    (
        "forgot_to_await",
        "wrong_forgot_to_await_await_last",
        "no_leaks",
        "spawned at",
    ),
    // Spawned, then blocked the thread: the jobs never got to run before the return.
    (
        "forgot_to_await",
        "wrong_forgot_to_await_spawn_then_block",
        "all_done:jobs_done",
        "were spawned",
    ),
    (
        "forgot_to_await",
        "wrong_forgot_to_await_spawn_and_forget",
        "all_done:jobs_done",
        "were spawned",
    ),
    (
        "forgot_to_await",
        "starter_forgot_to_await",
        "all_done:jobs_done",
        "a future does nothing until it is awaited",
    ),
    (
        "forgot_to_await",
        "starter_forgot_to_await",
        "total_at_most",
        "took no time at all",
    ),
    (
        "forgot_to_await",
        "wrong_forgot_to_await_one_by_one",
        "total_at_most",
        "was still waiting on `job",
    ),
    // Fixed waves of three: a slot idles while its wave's slowest request runs.
    (
        "crawler",
        "wrong_crawler_waves",
        "total_at_most",
        "a slot stood idle",
    ),
    (
        "worker_pool",
        "wrong_worker_pool_waves",
        "total_at_most",
        "a worker stood idle",
    ),
    // Hard-coded answers: nothing went through the kit's functions.
    (
        "fetch_all",
        "wrong_fetch_all_hard_coded",
        "waits_overlap",
        "no `fetch page` wait ever started",
    ),
    (
        "fetch_all",
        "wrong_fetch_all_hard_coded",
        "total_at_most",
        "took no time at all",
    ),
    (
        "crawler",
        "wrong_crawler_hard_coded",
        "waits_overlap",
        "no `request` wait ever started",
    ),
    (
        "dashboard",
        "wrong_dashboard_hard_coded",
        "waits_overlap",
        "no `fetch` wait ever started",
    ),
    (
        "paginate",
        "wrong_paginate_hard_coded",
        "values_equal:pages_fetched",
        "fetched too few pages",
    ),
    (
        "first_answer",
        "wrong_first_answer_hard_coded",
        "value_is:replies_received",
        "never received a reply",
    ),
    (
        "first_answer",
        "wrong_first_answer_hard_coded",
        "waits_overlap",
        "no `query` wait ever started",
    ),
    // Work on a runtime of its own is not "at most 0 of the 0 waits".
    (
        "fetch_all",
        "wrong_fetch_all_own_runtime",
        "waits_overlap",
        "a runtime or thread of your own",
    ),
    // Lag made of many polls in a row, each shorter than the lag: all of them are named.
    (
        "offload",
        "wrong_offload_inline_tasks",
        "lag_below",
        "8 polls of 8 unnamed tasks (spawned at solutions/wrong/offload_inline_tasks.rs:",
    ),
    // Too few pages is not "pages nobody asked for".
    (
        "paginate",
        "wrong_paginate_page_zero",
        "values_equal:pages_fetched",
        "pages start at 1",
    ),
    // Joined the call and the timer instead of racing them: answers when both are done.
    (
        "deadline",
        "wrong_deadline_join",
        "values_equal:took",
        "not when the call finally ends",
    ),
    (
        "deadline",
        "wrong_deadline_join",
        "total_at_most",
        "was still waiting on `call-3`",
    ),
    // Answered before the deadline is not "when the call finally ends".
    (
        "deadline",
        "wrong_deadline_answers_at_once",
        "values_equal:took",
        "answered too early",
    ),
    // A select! in a loop restarts its queries.
    (
        "first_answer",
        "wrong_first_answer_select_loop",
        "total_at_most",
        "was started 21 times",
    ),
    // Stuck sending on a full queue, the receiver still unused.
    (
        "worker_pool",
        "wrong_worker_pool_send_first",
        "finishes",
        "to send into the full channel `jobs`",
    ),
    (
        "worker_pool",
        "wrong_worker_pool_send_first",
        "finishes",
        "no other task ever received from it",
    ),
    // Waiting for the losers: what it still waited on when it should have been done.
    (
        "first_answer",
        "wrong_first_answer_join_all",
        "total_at_most",
        "was still waiting on `query mirror-",
    ),
];

#[test]
fn wrong_solutions_name_their_mistake() {
    for (name, bin, id, phrase) in WRONG {
        assert_fails_with(name, bin, id, phrase);
    }
}

/// Runs stopped at their time limit say which poll never ended, and whether it computed or
/// slept, instead of "an endless loop, or a thread blocked forever?".
#[test]
fn a_stuck_poll_is_named() {
    for (name, bin, phrases) in [
        (
            "start_gate",
            "wrong_start_gate_busy_wait",
            &[
                "kept the runtime thread computing",
                "spawned at solutions/wrong/start_gate_busy_wait.rs:14",
            ][..],
        ),
        (
            "fetch_all",
            "wrong_fetch_all_block_on",
            &["one poll of `main`", "blocked the runtime thread"],
        ),
        (
            "forgot_to_await",
            "wrong_forgot_to_await_thread_sleep",
            &["one poll of `main`", "asleep in a blocking call"],
        ),
    ] {
        let c = check(name, bin);
        assert!(!c.passed);
        let problem = c.run_problem.clone().unwrap_or_default();
        for phrase in phrases {
            assert!(
                problem.contains(phrase),
                "{bin}: `{phrase}` not in {problem:?}"
            );
        }
    }
}

/// `process::exit` in the learner's code is called an exit, not a missing call to `run`.
#[test]
fn an_exit_is_called_an_exit() {
    let c = check("fetch_all", "wrong_fetch_all_exit");
    assert!(!c.passed);
    let problem = c.run_problem.unwrap_or_default();
    assert!(
        problem.contains("in the middle of its run")
            && problem.contains("process::exit"),
        "{problem}"
    );
}

/// Two checks never contradict each other in wording, and the run's header names the
/// exercise once.
#[test]
fn one_screen_never_contradicts_itself() {
    let c = check("fetch_all", "starter_fetch_all");
    let screen = exercise::describe(&c, 100);
    assert!(!screen.contains("fetch_all — fetch_all"), "{screen}");
    assert!(screen.contains("✓ ran to its end"), "{screen}");
    assert!(!screen.contains("finished in"), "{screen}");
    // Awaiting only the last handle is quick because it did not wait: the time says so beside
    // the check that finds the other jobs still running.
    let c = check("forgot_to_await", "wrong_forgot_to_await_await_last");
    let quick = c
        .checks
        .iter()
        .find(|r| r.id.starts_with("total_at_most"))
        .expect("a time check");
    assert!(quick.passed, "{}", quick.message);
    assert!(
        // How many are left depends on the run's seeded job lengths: one or more.
        quick.message.contains("still running when it ended"),
        "{}",
        quick.message
    );
}

#[test]
fn messages_never_give_the_answer_away() {
    let c = assert_fails_with(
        "find_the_blocker",
        "wrong_find_the_blocker_busiest",
        "values_equal:answer",
        "you answered",
    );
    let f = failures(&c).join("\n");
    assert!(!f.contains("thumbnailer"), "{f}");
}

/// Each wrong solution that a fixed input used to let pass fails on every run: the inputs
/// vary (and are recorded) from run to run.
#[test]
fn wrong_solutions_fail_on_every_seed() {
    let mut seeds = std::collections::BTreeSet::new();
    for (name, bin, id) in [
        (
            "forgot_to_await",
            "wrong_forgot_to_await_await_last",
            "all_done:jobs_done",
        ),
        ("crawler", "wrong_crawler_waves", "total_at_most"),
        ("worker_pool", "wrong_worker_pool_waves", "total_at_most"),
    ] {
        for _ in 0..20 {
            let c = check(name, bin);
            assert!(
                !c.passed,
                "{bin} passed: {:#?}",
                c.timeline.map(|t| t.values)
            );
            assert!(
                failed_ids(&c).iter().any(|f| f == id),
                "{bin}: {:#?}",
                failures(&c)
            );
            let tl = c.timeline.as_ref().expect("a timeline");
            seeds.insert(
                tl.values["seed"].as_u64().expect("the seed is recorded"),
            );
        }
    }
    assert!(
        seeds.len() > 20,
        "the seeds should vary from run to run: {seeds:?}"
    );
}
