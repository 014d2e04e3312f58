//! The three pipeline scenarios produce the structure the curriculum promises, on the paused
//! clock (so every runtime-clock figure is exact and the tests are deterministic).

use asyncscope::scenarios::{RunOptions, run};
use asyncscope::timeline::{End, TaskState, Timeline};
use asyncscope::trace::TaskKind;
use std::sync::Mutex;

/// CPU-heavy runs measure wall time; keep them from competing with each other for 2 cores.
static CPU_HEAVY: Mutex<()> = Mutex::new(());

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

fn ended_at(tl: &Timeline, name: &str) -> f64 {
    let t = tl.task(name).unwrap_or_else(|| panic!("no task {name}"));
    tl.units(t.ended.expect("task ended").rt_ns)
}

#[test]
fn breakfast_together_takes_the_slowest_and_toast_finishes_first() {
    let tl = timeline("breakfast", &[]);
    assert!(close(tl.units(tl.finish_stamp().rt_ns), 3.0));
    assert!(close(ended_at(&tl, "toast"), 2.0));
    assert!(close(ended_at(&tl, "coffee"), 3.0));
    for name in ["coffee", "toast"] {
        assert_eq!(tl.task(name).unwrap().end, End::Completed);
    }
    let (coffee, toast) =
        (tl.task("coffee").unwrap(), tl.task("toast").unwrap());
    assert!(close(
        tl.units(tl.overlap_ns(coffee.info.idx, toast.info.idx)),
        2.0
    ));
    assert_eq!(tl.peak_in_flight(None).0, 2);
    assert_eq!(
        tl.values["finish_order"],
        serde_json::json!(["toast", "coffee"])
    );
    // While brewing, coffee is idle, waiting on its 3 s sleep.
    let idle = coffee
        .intervals
        .iter()
        .find(|i| i.state == TaskState::Idle)
        .unwrap();
    let waited = tl.resource(idle.waiting_on.unwrap()).unwrap();
    assert_eq!(waited.info.concrete_type, "Sleep");
    assert_eq!(waited.info.duration_ms, Some(3000));
}

#[test]
fn breakfast_one_after_another_takes_the_sum() {
    let tl = timeline("breakfast", &[("mode", "sequential")]);
    assert!(close(tl.units(tl.finish_stamp().rt_ns), 5.0));
    assert!(close(ended_at(&tl, "coffee"), 3.0));
    assert!(close(ended_at(&tl, "toast"), 5.0));
    let (coffee, toast) =
        (tl.task("coffee").unwrap(), tl.task("toast").unwrap());
    assert_eq!(tl.overlap_ns(coffee.info.idx, toast.info.idx), 0);
    assert_eq!(tl.peak_in_flight(None).0, 1);
}

#[test]
fn breakfast_knobs_change_the_run() {
    let tl = timeline("breakfast", &[("coffee", "1"), ("toast", "4")]);
    assert!(close(tl.units(tl.finish_stamp().rt_ns), 4.0));
    assert_eq!(
        tl.values["finish_order"],
        serde_json::json!(["coffee", "toast"])
    );
}

#[test]
fn cancel_at_with_a_token_cleans_up_then_ends_cancelled() {
    let tl = timeline("cancel-at", &[]);
    assert_eq!(tl.task("C").unwrap().end, End::Completed);
    assert!(close(ended_at(&tl, "C"), 2.0));
    for name in ["A", "B"] {
        let t = tl.task(name).unwrap();
        assert_eq!(t.end, End::Cancelled, "{name}");
        assert!(
            close(ended_at(&tl, name), 2.6),
            "{name} ends after its 0.1u cleanup"
        );
        // After the cancel at 2.5u it waits on the 100 ms cleanup sleep.
        let cleanup = t.state_at(2_550_000_000).unwrap();
        assert_eq!(cleanup.state, TaskState::Idle);
        let r = tl.resource(cleanup.waiting_on.unwrap()).unwrap();
        assert_eq!(r.info.duration_ms, Some(100));
    }
    let cancel = tl.marks.iter().find(|m| m.text == "cancel!").unwrap();
    assert!(close(tl.units(cancel.at.rt_ns), 2.5));
    assert!(close(tl.units(tl.finish_stamp().rt_ns), 2.6));
}

#[test]
fn cancel_at_by_abort_drops_the_tasks_at_the_deadline() {
    let tl = timeline("cancel-at", &[("how", "abort")]);
    for name in ["A", "B"] {
        assert_eq!(tl.task(name).unwrap().end, End::Cancelled);
        assert!(close(ended_at(&tl, name), 2.5), "no cleanup when aborted");
        // The drop is not counted as a poll: one poll to start the sleep, nothing else.
        assert_eq!(tl.task(name).unwrap().polls.len(), 1);
    }
    assert_eq!(tl.task("C").unwrap().end, End::Completed);
}

#[test]
fn cancel_at_later_lets_a_finish() {
    let tl = timeline("cancel-at", &[("cancel_at", "4")]);
    assert_eq!(tl.task("A").unwrap().end, End::Completed);
    assert_eq!(tl.task("B").unwrap().end, End::Cancelled);
    assert!(close(ended_at(&tl, "B"), 4.1));
}

#[test]
fn inline_cpu_job_blocks_the_heartbeat() {
    let _one_at_a_time =
        CPU_HEAVY.lock().unwrap_or_else(|e| e.into_inner());
    let tl = timeline(
        "blocking-heartbeat",
        &[("mode", "inline"), ("job_ms", "100")],
    );
    let (task, poll) = tl.longest_poll().unwrap();
    assert_eq!(tl.tasks[task as usize].info.name, "cpu-job");
    assert!(
        poll.wall_ns() >= 100_000_000,
        "one poll holds the thread for the whole job"
    );
    let lag_us = tl.max_heartbeat_lag_us().unwrap();
    assert!(
        lag_us >= 100_000,
        "heartbeat lag {lag_us} µs should be at least the job"
    );
    assert!(tl.tasks.iter().all(|t| t.info.kind != TaskKind::Blocking));
}

#[test]
fn offloaded_cpu_job_keeps_the_heartbeat_steady() {
    let _one_at_a_time =
        CPU_HEAVY.lock().unwrap_or_else(|e| e.into_inner());
    let tl = timeline(
        "blocking-heartbeat",
        &[("mode", "spawn_blocking"), ("job_ms", "100")],
    );
    let hashing = tl.task("hashing").unwrap();
    assert_eq!(hashing.info.kind, TaskKind::Blocking);
    assert!(
        hashing
            .intervals
            .iter()
            .any(|i| i.state == TaskState::Blocking)
    );
    assert!(hashing.busy_wall_ns() >= 100_000_000);
    assert!(tl.threads.iter().any(|t| t.blocking_pool));
    let lag_us = tl.max_heartbeat_lag_us().unwrap();
    assert!(
        lag_us < 20_000,
        "heartbeat lag {lag_us} µs should stay under 20 ms"
    );
    // The async task waiting for the job never held the thread for long.
    let waiter = tl.task("cpu-job").unwrap();
    assert!(waiter.longest_poll().unwrap().wall_ns() < 20_000_000);
    // The heartbeat is a probe, not a leak.
    assert!(tl.leaks().is_empty());
}

#[test]
fn unknown_knobs_and_values_are_refused_with_the_allowed_ones() {
    let err = run(
        "breakfast",
        &RunOptions::virtual_time().knob("mode", "sideways"),
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("together") && text.contains("sequential"),
        "{text}"
    );
    let err =
        run("breakfast", &RunOptions::virtual_time().knob("eggs", "2"))
            .unwrap_err();
    assert!(err.to_string().contains("coffee"), "{err}");
    let err =
        run("no-such-scenario", &RunOptions::virtual_time()).unwrap_err();
    assert!(err.to_string().contains("breakfast"), "{err}");
    let err = run(
        "cancel-at",
        &RunOptions::virtual_time().knob("cleanup", "99"),
    )
    .unwrap_err();
    assert!(err.to_string().contains("0..=5"), "{err}");
}
