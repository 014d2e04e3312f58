//! Exercises after lessons 13 to 15 and the capstone: each starter fails, each reference
//! solution passes, and each wrong solution fails with the message of its mistake.

mod common;

use common::*;

#[test]
fn shutdown() {
    assert_passes("shutdown");
    assert_fails_with(
        "shutdown",
        "starter_shutdown",
        "finishes",
        "never finished",
    );
    assert_fails_with(
        "shutdown",
        "starter_shutdown",
        "value_is:accepted_after_signal",
        "kept accepting requests after Ctrl-C",
    );
    assert_fails_with(
        "shutdown",
        "wrong_shutdown_ignores_signal",
        "value_is:accepted_after_signal",
        "kept accepting requests after Ctrl-C",
    );
    let c = assert_fails_with(
        "shutdown",
        "wrong_shutdown_no_wait",
        "no_leaks",
        "nobody waited for",
    );
    assert!(
        failures(&c).iter().any(|m| m.contains("request-4")),
        "{:#?}",
        failures(&c)
    );
    let c = assert_fails_with(
        "shutdown",
        "wrong_shutdown_waits_forever",
        "value_is:drained_by_deadline",
        "cancel it at the deadline",
    );
    assert_eq!(failed_ids(&c), ["value_is:drained_by_deadline"]);
    let c = assert_fails_with(
        "shutdown",
        "wrong_shutdown_cancel_at_once",
        "values_equal:finished",
        "fit in the 1.5u deadline did not finish",
    );
    assert_eq!(failed_ids(&c), ["values_equal:finished"]);
}

#[test]
fn predict_the_winner() {
    // The workloads run for real on both runtimes; their winners are clear
    // enough (about 2× or about 1×) that a busy machine does not change them.
    let c = assert_passes("predict_the_winner");
    let values = &c.timeline.as_ref().expect("a timeline").values;
    for (key, winner) in [
        ("measured_io", "Same"),
        ("measured_cpu", "MultiThread"),
        ("measured_one_task", "Same"),
    ] {
        assert_eq!(values[key], winner, "{key}: {values:#?}");
    }
    let c = assert_fails_with(
        "predict_the_winner",
        "starter_predict_the_winner",
        "values_equal:predicted_io",
        "was predicted wrong",
    );
    assert_eq!(failed_ids(&c).len(), 3, "{:#?}", failures(&c));
    let c = assert_fails_with(
        "predict_the_winner",
        "wrong_predict_the_winner_io_threads",
        "values_equal:predicted_io",
        "a waiting task needs no thread",
    );
    assert_eq!(failed_ids(&c), ["values_equal:predicted_io"]);
    let c = assert_fails_with(
        "predict_the_winner",
        "wrong_predict_the_winner_cpu_same",
        "values_equal:predicted_cpu",
        "a computing task holds its thread",
    );
    assert_eq!(failed_ids(&c), ["values_equal:predicted_cpu"]);
    let c = assert_fails_with(
        "predict_the_winner",
        "wrong_predict_the_winner_join_parallel",
        "values_equal:predicted_one_task",
        "inside one task",
    );
    assert_eq!(failed_ids(&c), ["values_equal:predicted_one_task"]);
}

#[test]
fn find_the_blocker() {
    let c = assert_passes("find_the_blocker");
    // The answer is right because the zoo really works that way: the
    // thumbnailer has the run's single longest poll.
    let tl = c.timeline.as_ref().expect("a timeline");
    let (task, _) = tl.longest_poll().expect("polls");
    assert_eq!(tl.tasks[task as usize].label(), "thumbnailer");
    assert_fails_with(
        "find_the_blocker",
        "starter_find_the_blocker",
        "values_equal:answer",
        "not the task that blocked the loop",
    );
    assert_fails_with(
        "find_the_blocker",
        "wrong_find_the_blocker_busiest",
        "values_equal:answer",
        "not the task that blocked the loop",
    );
    assert_fails_with(
        "find_the_blocker",
        "wrong_find_the_blocker_most_polls",
        "values_equal:answer",
        "not the most polls",
    );
}

#[test]
fn capstone() {
    assert_passes("capstone");
    let c = check("capstone", "starter_capstone");
    let failed = failed_ids(&c);
    for id in [
        "value_is:missing_tiles",
        "value_is:rate_limit_breaches",
        "lag_below",
        "value_is:feed_closed",
    ] {
        assert!(failed.iter().any(|f| f == id), "{id}: {failed:#?}");
    }
    let c = assert_fails_with(
        "capstone",
        "wrong_capstone_no_rate_limit",
        "value_is:rate_limit_breaches",
        "closer together than the API allows",
    );
    assert_eq!(failed_ids(&c), ["value_is:rate_limit_breaches"]);
    let c = assert_fails_with(
        "capstone",
        "wrong_capstone_no_retry",
        "value_is:missing_tiles",
        "a 503 must be retried",
    );
    assert_eq!(failed_ids(&c), ["value_is:missing_tiles"]);
    assert!(
        failures(&c).iter().any(|m| m.contains("news@0u")),
        "{:#?}",
        failures(&c)
    );
    let c = assert_fails_with(
        "capstone",
        "wrong_capstone_no_backoff",
        "value_is:retries_too_soon",
        "after its 1st 503",
    );
    assert_eq!(failed_ids(&c), ["value_is:retries_too_soon"]);
    let c = assert_fails_with(
        "capstone",
        "wrong_capstone_leak_at_shutdown",
        "no_leaks",
        "nobody waited for",
    );
    assert!(
        failed_ids(&c).iter().any(|f| f == "value_is:feed_closed"),
        "{:#?}",
        failures(&c)
    );
    let c = assert_fails_with(
        "capstone",
        "wrong_capstone_blocking_render",
        "lag_below",
        "poll of `renderer` held the thread",
    );
    assert_eq!(failed_ids(&c), ["lag_below"]);
    assert_fails_with(
        "capstone",
        "wrong_capstone_queue_never_closed",
        "finishes",
        "`renderer` waits on channel readings",
    );
}
