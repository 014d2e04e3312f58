//! The exercises of lessons 03 to 07 (dashboard, first_answer, deadline, retry, bank): each
//! starter fails, each reference solution passes, and each wrong solution fails with the
//! message of its mistake.
//!
//! The solutions, wrong solutions and pristine starters are binaries of the
//! `asyncscope-solutions` package, built once and run contained like a learner's code.

mod common;

use common::*;

#[test]
fn dashboard() {
    assert_passes("dashboard");
    assert_fails_with(
        "dashboard",
        "starter_dashboard",
        "values_equal:lines",
        "must not hide",
    );
    assert_fails_with(
        "dashboard",
        "starter_dashboard",
        "waits_overlap",
        "ran one after another",
    );
    assert_fails_with(
        "dashboard",
        "wrong_dashboard_sequential",
        "waits_overlap",
        "dashboard_sequential.rs:",
    );
    assert_fails_with(
        "dashboard",
        "wrong_dashboard_sequential",
        "total_at_most",
        "took 3.30u",
    );
    assert_fails_with(
        "dashboard",
        "wrong_dashboard_try_join",
        "values_equal:lines",
        "a failing source must not hide",
    );
    assert_fails_with(
        "dashboard",
        "wrong_dashboard_unwrap",
        "no_panics",
        "`dashboard` panicked",
    );
    assert_fails_with(
        "dashboard",
        "wrong_dashboard_unwrap",
        "values_equal:lines",
        "did not return a result",
    );
}

#[test]
fn first_answer() {
    assert_passes("first_answer");
    assert_fails_with(
        "first_answer",
        "starter_first_answer",
        "values_equal:answer",
        "arrives first",
    );
    assert_fails_with(
        "first_answer",
        "starter_first_answer",
        "value_is:replies_received",
        "more than the first reply",
    );
    assert_fails_with(
        "first_answer",
        "wrong_first_answer_join_all",
        "value_is:replies_received",
        "more than the first reply",
    );
    assert_fails_with(
        "first_answer",
        "wrong_first_answer_join_all",
        "total_at_most",
        "took 1.20u",
    );
    assert_fails_with(
        "first_answer",
        "wrong_first_answer_leak",
        "value_is:queries_running",
        "cancel the slower ones",
    );
    assert_fails_with(
        "first_answer",
        "wrong_first_answer_leak",
        "no_leaks",
        "nobody waited for",
    );
    assert_fails_with(
        "first_answer",
        "wrong_first_answer_sequential",
        "waits_overlap",
        "3 should overlap",
    );
    assert_fails_with(
        "first_answer",
        "wrong_first_answer_sequential",
        "values_equal:answer",
        "mirror-a",
    );
}

#[test]
fn deadline() {
    assert_passes("deadline");
    assert_fails_with(
        "deadline",
        "starter_deadline",
        "values_equal:results",
        "Err(DeadlineExceeded)",
    );
    assert_fails_with(
        "deadline",
        "starter_deadline",
        "values_equal:took",
        "as soon as `limit` has passed",
    );
    assert_fails_with(
        "deadline",
        "wrong_deadline_spawn_no_abort",
        "values_equal:guards_released",
        "still held its connection",
    );
    assert_fails_with(
        "deadline",
        "wrong_deadline_spawn_no_abort",
        "no_leaks",
        "nobody waited for",
    );
    assert_fails_with(
        "deadline",
        "wrong_deadline_check_after",
        "values_equal:took",
        "got [2.0,0.5,2.0], expected [1.0,0.5,1.5]",
    );
    assert_fails_with(
        "deadline",
        "wrong_deadline_check_after",
        "total_at_most",
        "took 4.50u",
    );
}

#[test]
fn retry() {
    assert_passes("retry");
    assert_fails_with(
        "retry",
        "starter_retry",
        "values_equal:flaky_attempts_at",
        "double the wait",
    );
    assert_fails_with(
        "retry",
        "starter_retry",
        "values_equal:not_found_attempts_at",
        "do not retry it",
    );
    assert_fails_with(
        "retry",
        "wrong_retry_constant_delay",
        "values_equal:flaky_attempts_at",
        "got [0.0,1.0,2.0,3.0]",
    );
    assert_fails_with(
        "retry",
        "wrong_retry_non_retryable",
        "values_equal:not_found_attempts_at",
        "cannot get better",
    );
    assert_fails_with(
        "retry",
        "wrong_retry_forever",
        "finishes",
        "never finished",
    );
    assert_fails_with(
        "retry",
        "wrong_retry_forever",
        "values_equal:down_attempts_at",
        "and no more",
    );
    assert_fails_with(
        "retry",
        "wrong_retry_sleep_before_giving_up",
        "values_equal:down_returned_at",
        "no sleep after the last attempt",
    );
}

#[test]
fn bank() {
    assert_passes("bank");
    assert_fails_with(
        "bank",
        "starter_bank",
        "values_equal:total",
        "lost update",
    );
    assert_fails_with(
        "bank",
        "wrong_bank_lock_twice",
        "values_equal:balances",
        "lost update",
    );
    assert_fails_with(
        "bank",
        "wrong_bank_global_lock",
        "waits_overlap",
        "ran one after another",
    );
    assert_fails_with(
        "bank",
        "wrong_bank_global_lock",
        "total_at_most",
        "took 4.80u",
    );
    assert_fails_with(
        "bank",
        "wrong_bank_opposite_order",
        "no_deadlock",
        "waits for Mutex account B held by `transfer-2 B→A`",
    );
    assert_fails_with(
        "bank",
        "wrong_bank_opposite_order",
        "finishes",
        "never finished",
    );
}
