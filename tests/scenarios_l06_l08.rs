//! Lessons 6–8: retries and circuit breakers, race conditions and locks, semaphores and rate
//! limits. Every scenario runs on the paused clock, so runtime-clock figures are exact.

use asyncscope::scenarios::{RunOptions, run};
use asyncscope::timeline::{End, TaskState, Timeline};
use serde_json::{Value, json};

fn timeline(id: &str, knobs: &[(&str, &str)]) -> Timeline {
    let mut options = RunOptions::virtual_time();
    for (k, v) in knobs {
        options = options.knob(k, v);
    }
    let trace = run(id, &options).expect("scenario runs");
    trace.validate().expect("trace is consistent");
    Timeline::from_trace(&trace)
}

fn close(actual: f64, expected: f64) -> bool {
    (actual - expected).abs() < 0.01
}

fn numbers(value: &Value) -> Vec<f64> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {value}"))
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect()
}

fn assert_times(actual: &[f64], expected: &[f64]) {
    assert_eq!(actual.len(), expected.len(), "{actual:?} vs {expected:?}");
    for (a, e) in actual.iter().zip(expected) {
        assert!(close(*a, *e), "{actual:?} vs {expected:?}");
    }
}

/// When the marks with this text were made, in units.
fn marks_at(tl: &Timeline, text: &str) -> Vec<f64> {
    tl.marks
        .iter()
        .filter(|m| m.text == text)
        .map(|m| tl.units(m.at.rt_ns))
        .collect()
}

fn total(tl: &Timeline) -> f64 {
    tl.units(tl.finish_stamp().rt_ns)
}

// ---------------------------------------------------------------------------------- retry

#[test]
fn retry_attempts_start_at_0_1_3_7_and_the_fourth_succeeds() {
    let tl = timeline("retry", &[]);
    assert_times(
        &numbers(&tl.values["attempts_at"]),
        &[0.0, 1.0, 3.0, 7.0],
    );
    assert_eq!(tl.values["attempts"], json!(4));
    assert_eq!(tl.values["succeeded"], json!(true));
    for (n, at) in [(1, 0.0), (2, 1.0), (3, 3.0), (4, 7.0)] {
        assert_times(&marks_at(&tl, &format!("attempt {n}")), &[at]);
    }
    assert_eq!(marks_at(&tl, "success").len(), 1);
    assert!(close(total(&tl), 7.0));
    // The client waits on the three backoff sleeps: 1s, 2s, 4s.
    let client = tl.task("client").unwrap();
    assert_eq!(client.end, End::Completed);
    let mut sleeps: Vec<u64> = client
        .intervals
        .iter()
        .filter(|i| i.state == TaskState::Idle)
        .filter_map(|i| tl.resource(i.waiting_on?)?.info.duration_ms)
        .collect();
    sleeps.dedup();
    assert_eq!(sleeps, vec![1000, 2000, 4000]);
}

#[test]
fn retry_stops_after_max_attempts() {
    let tl = timeline("retry", &[("fail_first", "10")]);
    assert_times(
        &numbers(&tl.values["attempts_at"]),
        &[0.0, 1.0, 3.0, 7.0],
    );
    assert_eq!(tl.values["attempts"], json!(4));
    assert_eq!(tl.values["succeeded"], json!(false));
    assert!(marks_at(&tl, "success").is_empty());
    assert!(close(total(&tl), 7.0), "no wait after the last attempt");

    let tl =
        timeline("retry", &[("fail_first", "4"), ("max_attempts", "5")]);
    assert_times(
        &numbers(&tl.values["attempts_at"]),
        &[0.0, 1.0, 3.0, 7.0, 15.0],
    );
    assert_eq!(tl.values["succeeded"], json!(true));
}

#[test]
fn retry_never_retries_a_non_retryable_error() {
    let tl = timeline("retry", &[("non_retryable", "true")]);
    assert_eq!(tl.values["attempts"], json!(1));
    assert_times(&numbers(&tl.values["attempts_at"]), &[0.0]);
    assert_eq!(tl.values["succeeded"], json!(false));
    assert!(close(total(&tl), 0.0));
    assert!(tl.marks.iter().any(|m| m.text.contains("NotFound")));
}

#[test]
fn retry_base_and_factor_move_the_attempts() {
    let tl = timeline("retry", &[("base", "0.5"), ("factor", "3")]);
    // Waits of 0.5, 1.5, 4.5: attempts at 0, 0.5, 2, 6.5.
    assert_times(
        &numbers(&tl.values["attempts_at"]),
        &[0.0, 0.5, 2.0, 6.5],
    );
    let tl = timeline("retry", &[("fail_first", "1")]);
    assert_times(&numbers(&tl.values["attempts_at"]), &[0.0, 1.0]);
    assert_eq!(tl.values["succeeded"], json!(true));
}

// -------------------------------------------------------------------------------- breaker

fn transitions(tl: &Timeline) -> Vec<(f64, String)> {
    tl.values["transitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (t[0].as_f64().unwrap(), t[1].as_str().unwrap().to_string())
        })
        .collect()
}

fn assert_transitions(tl: &Timeline, expected: &[(f64, &str)]) {
    let actual = transitions(tl);
    assert_eq!(actual.len(), expected.len(), "{actual:?}");
    for ((at, state), (e_at, e_state)) in actual.iter().zip(expected) {
        assert!(close(*at, *e_at) && state == e_state, "{actual:?}");
    }
}

/// No call reached the service while the breaker was open.
fn assert_service_spared(tl: &Timeline) {
    let calls = numbers(&tl.values["service_calls_at"]);
    let log = transitions(tl);
    for (i, (opened, state)) in log.iter().enumerate() {
        if state != "open" {
            continue;
        }
        let closed = log.get(i + 1).map_or(f64::INFINITY, |(at, _)| *at);
        for c in &calls {
            assert!(
                !(*c > opened + 1e-6 && *c < closed - 1e-6),
                "call at {c} reached the service while open ({opened}..{closed})"
            );
        }
    }
    // The service lane shows the same: none of its polls fall inside an open window.
    let service = tl.task("service").unwrap();
    for p in &service.polls {
        let at = tl.units(p.start.rt_ns);
        for (i, (opened, state)) in log.iter().enumerate() {
            let closed =
                log.get(i + 1).map_or(f64::INFINITY, |(at, _)| *at);
            assert!(
                state != "open"
                    || !(at > opened + 1e-6 && at < closed - 1e-6),
                "service polled at {at} while open"
            );
        }
    }
}

#[test]
fn breaker_opens_refuses_then_closes_after_a_good_trial() {
    let tl = timeline("breaker", &[]);
    assert_transitions(
        &tl,
        &[(1.0, "open"), (3.0, "half-open"), (3.0, "closed")],
    );
    assert_eq!(tl.values["rejected"], json!(3));
    assert_eq!(tl.values["reached_service"], json!(13));
    assert_times(
        &numbers(&tl.values["service_calls_at"]),
        &[
            0.0, 0.5, 1.0, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0, 6.5, 7.0, 7.5,
        ],
    );
    assert_service_spared(&tl);
    assert_times(&marks_at(&tl, "breaker Open"), &[1.0]);
    assert_times(&marks_at(&tl, "breaker HalfOpen"), &[3.0]);
    assert_times(&marks_at(&tl, "breaker Closed"), &[3.0]);
    // The service lane is idle on its request channel for the whole open window.
    let service = tl.task("service").unwrap();
    let idle = service.state_at(2_000_000_000).unwrap();
    assert_eq!(idle.state, TaskState::Idle);
    assert!(
        tl.units(idle.start.rt_ns) <= 1.0 + 1e-6
            && tl.units(idle.end.rt_ns) >= 3.0 - 1e-6
    );
    assert!(close(total(&tl), 7.5));
}

#[test]
fn breaker_reopens_when_the_trial_fails_in_a_longer_outage() {
    let tl = timeline("breaker", &[("outage", "4")]);
    assert_transitions(
        &tl,
        &[
            (1.0, "open"),
            (3.0, "half-open"),
            (3.0, "open"),
            (5.0, "half-open"),
            (5.0, "closed"),
        ],
    );
    // Refused at 1.5, 2, 2.5 and 3.5, 4, 4.5.
    assert_eq!(tl.values["rejected"], json!(6));
    assert_eq!(tl.values["reached_service"], json!(10));
    assert_service_spared(&tl);
}

#[test]
fn breaker_threshold_and_cooldown_change_the_run() {
    // Opens after 2 failures (at 0.5u), cools down 1u: trial at 1.5u still fails (outage 3u).
    let tl = timeline("breaker", &[("threshold", "2"), ("cooldown", "1")]);
    assert_transitions(
        &tl,
        &[
            (0.5, "open"),
            (1.5, "half-open"),
            (1.5, "open"),
            (2.5, "half-open"),
            (2.5, "open"),
            (3.5, "half-open"),
            (3.5, "closed"),
        ],
    );
    assert_service_spared(&tl);
    // No outage: the breaker never leaves closed and every call reaches the service.
    let tl = timeline("breaker", &[("outage", "0"), ("calls", "6")]);
    assert!(transitions(&tl).is_empty());
    assert_eq!(tl.values["reached_service"], json!(6));
    assert_eq!(tl.values["rejected"], json!(0));
}

// ---------------------------------------------------------------------------- lost update

#[test]
fn lost_update_without_a_lock_ends_at_1() {
    let tl = timeline("lost-update", &[]);
    assert_eq!(tl.values["final"], json!(1));
    assert_eq!(tl.values["expected"], json!(100));
    let incs: Vec<_> = tl
        .tasks
        .iter()
        .filter(|t| t.info.name.starts_with("inc-"))
        .collect();
    assert_eq!(incs.len(), 100);
    // Every task read 0 before any wrote: all reads come before the first write.
    let reads: Vec<_> = tl
        .marks
        .iter()
        .filter(|m| m.text.starts_with("read"))
        .collect();
    assert_eq!(reads.len(), 100);
    assert!(reads.iter().all(|m| m.text == "read 0"));
    let first_write = tl
        .marks
        .iter()
        .find(|m| m.text.starts_with("wrote"))
        .unwrap();
    assert!(reads.iter().all(|m| m.at < first_write.at));
    // They all ran at once: one pause in all.
    assert_eq!(tl.peak_in_flight(Some("inc-")).0, 100);
    assert!(close(total(&tl), 0.01));
}

#[test]
fn lost_update_with_a_tokio_mutex_ends_at_100_one_after_another() {
    let tl = timeline("lost-update", &[("lock", "tokio-mutex")]);
    assert_eq!(tl.values["final"], json!(100));
    assert_eq!(tl.values["expected"], json!(100));
    let reads: Vec<String> = tl
        .marks
        .iter()
        .filter(|m| m.text.starts_with("read"))
        .map(|m| m.text.clone())
        .collect();
    let in_order: Vec<String> =
        (0..100).map(|i| format!("read {i}")).collect();
    assert_eq!(reads, in_order);
    // The pauses no longer overlap: 100 × 0.01u.
    assert!(close(total(&tl), 1.0));
    // Tasks in line wait on the Mutex.
    let waited = tl.task("inc-50").unwrap();
    let on_mutex = waited
        .intervals
        .iter()
        .filter_map(|i| i.waiting_on)
        .any(|r| tl.resource(r).unwrap().info.concrete_type == "Mutex");
    assert!(on_mutex);
}

#[test]
fn lost_update_with_10_tasks() {
    let tl = timeline("lost-update", &[("tasks", "10")]);
    assert_eq!(tl.values["final"], json!(1));
    assert_eq!(tl.values["expected"], json!(10));
    let tl = timeline(
        "lost-update",
        &[("tasks", "10"), ("lock", "tokio-mutex")],
    );
    assert_eq!(tl.values["final"], json!(10));
    let tl = timeline(
        "lost-update",
        &[("tasks", "10"), ("lock", "tokio-mutex"), ("pause", "0.1")],
    );
    assert_eq!(tl.values["final"], json!(10));
    assert!(close(total(&tl), 1.0));
}

// ------------------------------------------------------------------------------- deadlock

#[test]
fn deadlock_in_opposite_order_is_found_and_named() {
    let tl = timeline("deadlock", &[]);
    assert!(tl.timed_out, "the run can only end at its time limit");
    assert!(close(total(&tl), 3.0));
    let deadlock = tl.deadlock().expect("a deadlock is found");
    assert_eq!(deadlock.cycle.len(), 2, "{deadlock:?}");
    let ab = tl.task("transfer-ab").unwrap().info.idx;
    let ba = tl.task("transfer-ba").unwrap().info.idx;
    for link in &deadlock.cycle {
        let other = if link.task == ab { ba } else { ab };
        assert_eq!(link.held_by, Some(other));
        assert_eq!(
            tl.resource(link.waits_on).unwrap().info.concrete_type,
            "Mutex"
        );
    }
    assert_ne!(deadlock.cycle[0].waits_on, deadlock.cycle[1].waits_on);
    let message = tl.describe_deadlock(&deadlock);
    assert!(
        message.contains("transfer-ab") && message.contains("transfer-ba"),
        "{message}"
    );
    assert!(message.contains("Mutex"), "{message}");
    // The two mutexes are named by the labels the scenario gave them.
    let mut names: Vec<String> = deadlock
        .cycle
        .iter()
        .map(|l| tl.resource(l.waits_on).unwrap().info.describe())
        .collect();
    names.sort();
    assert_eq!(names, ["Mutex account A", "Mutex account B"]);
    assert_eq!(tl.values["transfers_done"], json!(0));
    assert_times(&marks_at(&tl, "waiting for B"), &[0.1]);
    assert_times(&marks_at(&tl, "waiting for A"), &[0.1]);
    assert!(
        marks_at(&tl, "locked B").len() == 1,
        "only transfer-ba has B"
    );
}

#[test]
fn deadlock_avoided_by_one_lock_order() {
    let tl = timeline("deadlock", &[("order", "same")]);
    assert!(!tl.timed_out);
    assert!(tl.deadlock().is_none());
    for name in ["transfer-ab", "transfer-ba"] {
        assert_eq!(tl.task(name).unwrap().end, End::Completed, "{name}");
    }
    assert!(close(total(&tl), 0.2));
    assert_eq!(tl.values["transfers_done"], json!(2));
    assert_eq!(tl.values["balance_a"], json!(80));
    assert_eq!(tl.values["balance_b"], json!(120));
    assert_eq!(tl.values["total"], json!(200));
    // transfer-ba locks A first now, after transfer-ab lets go of it.
    assert_times(&marks_at(&tl, "locked A"), &[0.0, 0.1]);
    assert!(tl.leaks().is_empty());

    let tl = timeline("deadlock", &[("order", "same"), ("pause", "0.5")]);
    assert!(close(total(&tl), 1.0));
    let tl = timeline("deadlock", &[("pause", "0.5")]);
    assert!(tl.deadlock().is_some());
}

// ------------------------------------------------------------------------------ semaphore

#[test]
fn semaphore_20_ops_limit_5_take_4u() {
    let tl = timeline("semaphore", &[]);
    assert!(close(total(&tl), 4.0));
    assert!(close(tl.values["total_units"].as_f64().unwrap(), 4.0));
    assert_eq!(tl.values["peak_in_flight"], json!(5));
    assert_eq!(tl.peak_in_flight(Some("op-")).0, 5);
    // Waves of 5: op-6 starts when the first wave ends.
    let op6 = tl.task("op-6").unwrap();
    assert!(close(tl.units(op6.spawned.rt_ns), 1.0));
    let op20 = tl.task("op-20").unwrap();
    assert!(close(tl.units(op20.spawned.rt_ns), 3.0));
    assert!(
        tl.tasks
            .iter()
            .filter(|t| t.info.name.starts_with("op-"))
            .all(|t| t.end == End::Completed)
    );
    assert!(tl.leaks().is_empty());
}

#[test]
fn semaphore_10_ops_of_half_a_unit_limit_3_take_2u() {
    let tl = timeline(
        "semaphore",
        &[("ops", "10"), ("op_len", "0.5"), ("limit", "3")],
    );
    assert!(close(total(&tl), 2.0));
    assert_eq!(tl.values["peak_in_flight"], json!(3));
    assert_eq!(tl.peak_in_flight(Some("op-")).0, 3);
}

#[test]
fn semaphore_peak_never_exceeds_the_limit() {
    for (ops, limit) in [("7", "1"), ("12", "4"), ("3", "10")] {
        let tl = timeline("semaphore", &[("ops", ops), ("limit", limit)]);
        let (ops, limit): (usize, usize) =
            (ops.parse().unwrap(), limit.parse().unwrap());
        let peak = tl.peak_in_flight(Some("op-")).0;
        assert_eq!(peak, limit.min(ops), "ops {ops}, limit {limit}");
        assert_eq!(tl.values["peak_in_flight"], json!(peak));
        let waves = ops.div_ceil(limit) as f64;
        assert!(close(total(&tl), waves), "ops {ops}, limit {limit}");
    }
}

// --------------------------------------------------------------------------- token bucket

#[test]
fn token_bucket_bursts_then_spaces_requests() {
    let tl = timeline("token-bucket", &[]);
    let starts = numbers(&tl.values["start_times"]);
    assert_times(&starts, &[0.0, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0]);
    // The marks agree, on each request's own lane.
    for (i, at) in starts.iter().enumerate() {
        let req = tl.task(&format!("req-{}", i + 1)).unwrap();
        let got =
            req.marks.iter().find(|(_, m)| m == "got a token").unwrap();
        assert!(close(tl.units(got.0.rt_ns), *at));
    }
    assert!(close(total(&tl), 3.2));
    assert_eq!(tl.task("refill").unwrap().end, End::Cancelled);
    assert!(tl.leaks().is_empty());
}

#[test]
fn token_bucket_rate_and_burst_change_the_spacing() {
    let tl = timeline("token-bucket", &[("rate", "4")]);
    assert_times(
        &numbers(&tl.values["start_times"]),
        &[0.0, 0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5],
    );
    let tl = timeline(
        "token-bucket",
        &[("rate", "1"), ("burst", "3"), ("requests", "5")],
    );
    assert_times(
        &numbers(&tl.values["start_times"]),
        &[0.0, 0.0, 0.0, 1.0, 2.0],
    );
}
