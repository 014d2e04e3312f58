//! Exercises after lessons 08 to 12 (`crawler`, `worker_pool`, `start_gate`, `paginate`,
//! `offload`): each reference solution passes, each starter fails, and each wrong solution
//! fails with the message of its mistake.
//!
//! The binaries run one at a time: `offload` measures wall-clock time on the runtime thread,
//! and the others' builds and runs would only add noise to it.

mod common;

use common::*;

#[test]
fn crawler() {
    assert_passes("crawler");
    let over = "value_is:requests_over_limit";
    assert_fails_with_all(
        "crawler",
        "starter_crawler",
        &[(over, "more than 3 requests"), (over, "is 9, expected 0")],
    );
    assert_fails_with(
        "crawler",
        "wrong_crawler_unbounded",
        over,
        "more than 3 requests were in flight at once",
    );
    assert_fails_with(
        "crawler",
        "wrong_crawler_permit_dropped",
        over,
        "keep it until its response is in",
    );
    assert_fails_with_all(
        "crawler",
        "wrong_crawler_serial",
        &[
            ("waits_overlap", "ran one after another"),
            ("waits_overlap", "crawler_serial.rs:"),
            ("total_at_most", "a slot stood idle"),
        ],
    );
}

#[test]
fn worker_pool() {
    assert_passes("worker_pool");
    let at_once = "value_is:jobs_at_once";
    assert_fails_with_all(
        "worker_pool",
        "starter_worker_pool",
        &[
            (at_once, "jobs_at_once is 1, expected 5"),
            ("total_at_most", "a worker stood idle"),
        ],
    );
    assert_fails_with(
        "worker_pool",
        "wrong_worker_pool_task_per_job",
        at_once,
        "a task per job (not a pool)",
    );
    assert_fails_with(
        "worker_pool",
        "wrong_worker_pool_broadcast",
        "values_equal:processed",
        "processed more than once",
    );
    assert_fails_with(
        "worker_pool",
        "wrong_worker_pool_kept_sender",
        "finishes",
        "waits on channel jobs",
    );
    assert_fails_with(
        "worker_pool",
        "wrong_worker_pool_one_end_marker",
        "finishes",
        "never finished",
    );
    assert_fails_with_all(
        "worker_pool",
        "wrong_worker_pool_not_awaited",
        &[
            ("values_equal:processed", "or not at all"),
            ("no_leaks", "nobody waited for"),
        ],
    );
}

#[test]
fn start_gate() {
    assert_passes("start_gate");
    let early = "value_is:early_starts";
    assert_fails_with(
        "start_gate",
        "starter_start_gate",
        early,
        "a runner started before the start signal",
    );
    assert_fails_with_all(
        "start_gate",
        "wrong_start_gate_no_wait",
        &[
            (early, "early_starts is 4"),
            ("marks_at", "happened at 0.20u"),
        ],
    );
    assert_fails_with_all(
        "start_gate",
        "wrong_start_gate_notify_waiters",
        &[
            ("finishes", "never finished"),
            ("marks_at", "expected at 2.00u, 2.00u, 2.00u, 2.00u, 2.50u"),
        ],
    );
    assert_fails_with(
        "start_gate",
        "wrong_start_gate_polling",
        "marks_at",
        "2.20u",
    );
}

#[test]
fn paginate() {
    assert_passes("paginate");
    let pages = "values_equal:pages_fetched";
    assert_fails_with_all(
        "paginate",
        "starter_paginate",
        &[
            (pages, "fetched pages nobody asked for"),
            (pages, r#""first 5":5"#),
        ],
    );
    assert_fails_with(
        "paginate",
        "wrong_paginate_collect_first",
        pages,
        r#""first 25":5"#,
    );
    assert_fails_with(
        "paginate",
        "wrong_paginate_one_page_ahead",
        pages,
        r#""first 10":2"#,
    );
    assert_fails_with(
        "paginate",
        "wrong_paginate_past_last_page",
        pages,
        r#""all":6"#,
    );
    assert_fails_with_all(
        "paginate",
        "wrong_paginate_never_ends",
        &[
            ("finishes", "never finished"),
            ("values_equal:items", r#""all":"never ended""#),
        ],
    );
}

#[test]
fn offload() {
    assert_passes("offload");
    let starter = check("offload", "starter_offload");
    let f = failures(&starter);
    for (id, phrase) in [
        ("not_blocking", "`main` blocked the runtime"),
        ("lag_below", "the runtime fell behind"),
    ] {
        assert!(
            f.iter().any(|m| m.starts_with(id) && m.contains(phrase)),
            "starter_offload: expected `{id}` mentioning `{phrase}`, got {f:#?}"
        );
    }
    // `main` was spawned by the harness: the learner is not sent to its source.
    assert!(f.iter().all(|m| !m.contains("src/")), "{f:#?}");
    assert_fails_with_all(
        "offload",
        "wrong_offload_inline_tasks",
        &[
            ("not_blocking", "offload_inline_tasks.rs:"),
            ("lag_below", "the runtime fell behind"),
        ],
    );
    assert_fails_with(
        "offload",
        "wrong_offload_thread_join",
        "not_blocking",
        "blocked the runtime",
    );
    assert_fails_with(
        "offload",
        "wrong_offload_finish_order",
        "values_equal:results",
        "in the wrong order",
    );
}
