//! Lessons 1–5: fetch-three, interleave, join-modes, select-race, timeouts show what the
//! curriculum promises. Virtual-time runs assert exact runtime-clock figures; the two CPU modes of
//! `interleave` run on the real clock and assert only ordering and lower bounds.

use asyncscope::scenarios::{RunOptions, run};
use asyncscope::timeline::{End, Timeline};
use asyncscope::trace::Clock;
use serde_json::json;
use std::sync::Mutex;

/// CPU-heavy runs measure wall time; keep them from competing with each other for 2 cores.
static CPU_HEAVY: Mutex<()> = Mutex::new(());

fn run_with(
    id: &str,
    mut options: RunOptions,
    knobs: &[(&str, &str)],
) -> Timeline {
    for (k, v) in knobs {
        options = options.knob(k, v);
    }
    let trace = run(id, &options).expect("scenario runs");
    trace.validate().expect("trace is consistent");
    Timeline::from_trace(&trace)
}

fn timeline(id: &str, knobs: &[(&str, &str)]) -> Timeline {
    run_with(id, RunOptions::virtual_time(), knobs)
}

/// The real clock, 1u = 20 ms: for the scenarios that measure CPU work.
fn real_time(id: &str, knobs: &[(&str, &str)]) -> Timeline {
    let options = RunOptions {
        unit_ms: 20.0,
        ..RunOptions::default()
    };
    run_with(id, options, knobs)
}

fn close(actual: f64, expected: f64) -> bool {
    (actual - expected).abs() < 0.01
}

fn total(tl: &Timeline) -> f64 {
    tl.units(tl.finish_stamp().rt_ns)
}

fn ended_at(tl: &Timeline, name: &str) -> f64 {
    let t = tl.task(name).unwrap_or_else(|| panic!("no task {name}"));
    tl.units(t.ended.expect("task ended").rt_ns)
}

fn spawned_at(tl: &Timeline, name: &str) -> f64 {
    tl.units(
        tl.task(name)
            .unwrap_or_else(|| panic!("no task {name}"))
            .spawned
            .rt_ns,
    )
}

fn end_of(tl: &Timeline, name: &str) -> End {
    tl.task(name)
        .unwrap_or_else(|| panic!("no task {name}"))
        .end
}

/// Runtime-clock times (in units) of the marks with this text, on this task's lane.
fn marks_at(tl: &Timeline, task: &str, text: &str) -> Vec<f64> {
    let t = tl.task(task).unwrap_or_else(|| panic!("no task {task}"));
    t.marks
        .iter()
        .filter(|(_, m)| m == text)
        .map(|(at, _)| tl.units(at.rt_ns))
        .collect()
}

fn value_units(tl: &Timeline, key: &str) -> f64 {
    tl.values[key].as_f64().unwrap_or_else(|| {
        panic!("value {key} is not a number: {:?}", tl.values.get(key))
    })
}

// ---------------------------------------------------------------- lesson 1: fetch-three

#[test]
fn fetch_three_concurrently_takes_the_slowest_and_finishes_cache_first() {
    let tl = timeline("fetch-three", &[]);
    assert!(close(total(&tl), 2.0), "total {}", total(&tl));
    assert!(close(value_units(&tl, "total_units"), 2.0));
    assert!(close(ended_at(&tl, "Cache"), 0.5));
    assert!(close(ended_at(&tl, "API"), 1.5));
    assert!(close(ended_at(&tl, "Database"), 2.0));
    for name in ["Database", "API", "Cache"] {
        assert!(close(spawned_at(&tl, name), 0.0), "{name} starts at once");
        assert_eq!(end_of(&tl, name), End::Completed);
    }
    assert_eq!(tl.peak_in_flight(None).0, 3);
    assert_eq!(
        tl.values["finish_order"],
        json!(["Cache", "API", "Database"])
    );
    // Results stay in the order asked for, whatever the finish order.
    assert_eq!(
        tl.values["results"],
        json!(["data from Database", "data from API", "data from Cache"])
    );
    assert_eq!(
        marks_at(&tl, "Cache", "got data from Cache"),
        vec![0.5],
        "the Cache's answer is marked when it arrives"
    );
}

#[test]
fn fetch_three_one_after_another_adds_up_to_4u() {
    let tl = timeline("fetch-three", &[("mode", "sequential")]);
    assert!(close(total(&tl), 4.0), "total {}", total(&tl));
    assert!(close(value_units(&tl, "total_units"), 4.0));
    assert!(close(ended_at(&tl, "Database"), 2.0));
    assert!(close(spawned_at(&tl, "API"), 2.0));
    assert!(close(ended_at(&tl, "API"), 3.5));
    assert!(close(spawned_at(&tl, "Cache"), 3.5));
    assert!(close(ended_at(&tl, "Cache"), 4.0));
    assert_eq!(tl.peak_in_flight(None).0, 1);
    assert_eq!(
        tl.values["finish_order"],
        json!(["Database", "API", "Cache"])
    );
    assert_eq!(
        tl.values["results"],
        json!(["data from Database", "data from API", "data from Cache"])
    );
}

#[test]
fn fetch_three_durations_are_knobs() {
    let tl = timeline("fetch-three", &[("cache", "3")]);
    assert!(close(total(&tl), 3.0));
    assert_eq!(
        tl.values["finish_order"],
        json!(["API", "Database", "Cache"])
    );
    let tl = timeline(
        "fetch-three",
        &[("mode", "sequential"), ("database", "1"), ("api", "0.5")],
    );
    assert!(close(total(&tl), 2.0), "1 + 0.5 + 0.5");
}

// ---------------------------------------------------------------- lesson 2: interleave

/// The names of the tasks whose polls these are, in wall-clock order.
fn poll_order(tl: &Timeline, names: &[&str]) -> Vec<String> {
    let mut polls: Vec<(u64, String)> = names
        .iter()
        .flat_map(|n| {
            let t = tl.task(n).unwrap_or_else(|| panic!("no task {n}"));
            t.polls
                .iter()
                .map(move |p| (p.start.wall_ns, n.to_string()))
        })
        .collect();
    polls.sort();
    polls.into_iter().map(|(_, n)| n).collect()
}

#[test]
fn interleave_ping_and_pong_take_turns_on_one_thread() {
    let tl = timeline("interleave", &[]);
    assert!(close(total(&tl), 1.5), "3 steps 0.5u apart, overlapped");
    let order = poll_order(&tl, &["ping", "pong"]);
    assert_eq!(
        order.len(),
        8,
        "3 steps + the final return, each: {order:?}"
    );
    assert!(
        order.windows(2).all(|w| w[0] != w[1]),
        "polls alternate: {order:?}"
    );
    let (ping, pong) = (tl.task("ping").unwrap(), tl.task("pong").unwrap());
    let thread = ping.polls[0].thread;
    assert!(
        ping.polls
            .iter()
            .chain(&pong.polls)
            .all(|p| p.thread == thread),
        "one thread lane"
    );
    assert_eq!(marks_at(&tl, "ping", "ping 2"), vec![0.5]);
    assert_eq!(marks_at(&tl, "pong", "pong 3"), vec![1.0]);
    assert!(close(
        tl.units(tl.overlap_ns(ping.info.idx, pong.info.idx)),
        1.5
    ));
}

#[test]
fn interleave_steps_is_a_knob() {
    let tl = timeline("interleave", &[("steps", "5")]);
    assert!(close(total(&tl), 2.5));
    let order = poll_order(&tl, &["ping", "pong"]);
    assert_eq!(order.len(), 12);
    assert!(order.windows(2).all(|w| w[0] != w[1]), "{order:?}");
    assert_eq!(marks_at(&tl, "pong", "pong 5"), vec![2.0]);
}

#[test]
fn interleave_lazy_future_never_runs() {
    let tl = timeline("interleave", &[("mode", "lazy")]);
    assert_eq!(tl.values["lazy_future_ran"], json!(false));
    assert!(
        !tl.marks.iter().any(|m| m.text.starts_with("forgotten")),
        "nothing of the forgotten future ran"
    );
    for (step, at) in [(1, 0.0), (2, 0.5), (3, 1.0)] {
        assert_eq!(
            marks_at(&tl, "caller", &format!("awaited {step}")),
            vec![at]
        );
    }
    assert!(close(total(&tl), 1.5), "only the awaited future took time");
    assert_eq!(end_of(&tl, "caller"), End::Completed);

    let tl = timeline("interleave", &[("mode", "lazy"), ("steps", "1")]);
    assert!(close(total(&tl), 0.5));
    assert_eq!(tl.values["lazy_future_ran"], json!(false));
}

/// Wall-clock ns of the ticker's "tick N" marks.
fn tick_walls(tl: &Timeline) -> Vec<u64> {
    tl.task("ticker")
        .unwrap()
        .marks
        .iter()
        .filter(|(_, m)| m.starts_with("tick "))
        .map(|(at, _)| at.wall_ns)
        .collect()
}

#[test]
fn interleave_starve_busy_holds_the_thread_in_one_long_poll() {
    let _one_at_a_time =
        CPU_HEAVY.lock().unwrap_or_else(|e| e.into_inner());
    let tl = real_time("interleave", &[("mode", "starve")]);
    assert_eq!(
        tl.header.clock,
        Clock::Real,
        "CPU work needs the real clock"
    );
    let busy = tl.task("busy").unwrap();
    assert_eq!(busy.polls.len(), 1, "it never awaits");
    let poll = busy.polls[0];
    assert!(poll.wall_ns() >= 300_000_000, "{} ns", poll.wall_ns());
    let ticker = tl.task("ticker").unwrap();
    assert_eq!(ticker.polls[0].thread, poll.thread, "the same thread");
    // Nothing of the ticker runs while busy computes: its ticks are missing.
    assert!(
        ticker
            .polls
            .iter()
            .all(|p| p.end.wall_ns <= poll.start.wall_ns
                || p.start.wall_ns >= poll.end.wall_ns),
        "a ticker poll during busy's poll"
    );
    let ticks = tick_walls(&tl);
    assert!(
        ticks
            .iter()
            .all(|&t| t <= poll.start.wall_ns || t >= poll.end.wall_ns)
    );
    // The first tick after busy starts comes only once it is done.
    let late = ticks.iter().find(|&&t| t > poll.start.wall_ns).unwrap();
    assert!(*late >= poll.end.wall_ns);
    assert_eq!(end_of(&tl, "busy"), End::Completed);
    assert!(tl.leaks().is_empty());
}

#[test]
fn interleave_starve_steps_lengthen_the_poll() {
    let _one_at_a_time =
        CPU_HEAVY.lock().unwrap_or_else(|e| e.into_inner());
    let tl = real_time("interleave", &[("mode", "starve"), ("steps", "5")]);
    let busy = tl.task("busy").unwrap();
    assert_eq!(busy.polls.len(), 1);
    assert!(busy.polls[0].wall_ns() >= 500_000_000);
}

#[test]
fn interleave_yield_lets_the_ticker_in_between() {
    let _one_at_a_time =
        CPU_HEAVY.lock().unwrap_or_else(|e| e.into_inner());
    let tl = real_time("interleave", &[("mode", "yield")]);
    let busy = tl.task("busy").unwrap();
    assert!(
        busy.polls.len() >= 10,
        "many short polls: {}",
        busy.polls.len()
    );
    let (first, last) = (busy.polls[0], *busy.polls.last().unwrap());
    assert!(
        last.end.wall_ns - first.start.wall_ns >= 300_000_000,
        "it computes until 300 ms have passed"
    );
    let order = poll_order(&tl, &["busy", "ticker"]);
    let from = order.iter().position(|n| n == "busy").unwrap();
    let to = order.iter().rposition(|n| n == "busy").unwrap();
    assert!(
        order[from..to].iter().any(|n| n == "ticker"),
        "ticker polls interleave with busy's"
    );
    let ticks_during = tick_walls(&tl)
        .into_iter()
        .filter(|&t| t > first.start.wall_ns && t < last.end.wall_ns)
        .count();
    assert!(ticks_during >= 1, "the ticker ticks while busy works");
    assert!(tl.leaks().is_empty());
}

// ---------------------------------------------------------------- lesson 3: join-modes

#[test]
fn join_modes_fail_fast_cancels_the_rest_at_the_first_error() {
    let tl = timeline("join-modes", &[]);
    assert!(close(total(&tl), 3.0), "total {}", total(&tl));
    assert!(close(value_units(&tl, "total_units"), 3.0));
    assert_eq!(
        tl.values["results"],
        json!([
            "ok: page 1",
            "ok: page 2",
            "error: fetch-3 failed",
            "cancelled",
            "cancelled"
        ])
    );
    for (n, at) in [(1, 1.0), (2, 2.0), (3, 3.0)] {
        let name = format!("fetch-{n}");
        assert_eq!(end_of(&tl, &name), End::Completed);
        assert!(close(ended_at(&tl, &name), at));
    }
    for name in ["fetch-4", "fetch-5"] {
        assert_eq!(end_of(&tl, name), End::Cancelled, "{name}");
        assert!(
            close(ended_at(&tl, name), 3.0),
            "{name} stops at the error"
        );
    }
    assert_eq!(marks_at(&tl, "fetch-3", "error!"), vec![3.0]);
    assert!(tl.leaks().is_empty());
}

#[test]
fn join_modes_collect_all_keeps_every_result() {
    let tl = timeline("join-modes", &[("mode", "collect-all")]);
    assert!(close(total(&tl), 5.0));
    assert_eq!(
        tl.values["results"],
        json!([
            "ok: page 1",
            "ok: page 2",
            "error: fetch-3 failed",
            "ok: page 4",
            "ok: page 5"
        ])
    );
    for n in 1..=5 {
        let name = format!("fetch-{n}");
        assert_eq!(end_of(&tl, &name), End::Completed, "{name}");
        assert!(close(ended_at(&tl, &name), n as f64));
    }
}

#[test]
fn join_modes_which_fails_and_how_long_are_knobs() {
    let tl = timeline("join-modes", &[("fails", "1")]);
    assert!(close(total(&tl), 1.0));
    let results = tl.values["results"].as_array().unwrap();
    assert_eq!(results[0], json!("error: fetch-1 failed"));
    assert!(results[1..].iter().all(|r| r == "cancelled"));
    assert_eq!(
        tl.scenario_tasks()
            .filter(|t| t.end == End::Cancelled)
            .count(),
        4
    );

    let tl = timeline("join-modes", &[("fails", "0")]);
    assert!(close(total(&tl), 5.0), "nothing fails: all five finish");
    assert!(
        tl.values["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r.as_str().unwrap().starts_with("ok: "))
    );

    let tl = timeline("join-modes", &[("fails", "5")]);
    assert!(
        close(total(&tl), 5.0),
        "the last one fails: nothing left to cancel"
    );
    assert!(tl.scenario_tasks().all(|t| t.end == End::Completed));

    let tl =
        timeline("join-modes", &[("mode", "collect-all"), ("step", "0.5")]);
    assert!(close(total(&tl), 2.5));
}

// ---------------------------------------------------------------- lesson 4: select-race

#[test]
fn select_race_first_wins_and_the_losers_are_cancelled() {
    let tl = timeline("select-race", &[]);
    assert_eq!(tl.values["winner"], json!("mirror-b"));
    assert!(close(total(&tl), 1.0), "total = the fastest mirror");
    assert!(close(value_units(&tl, "total_units"), 1.0));
    assert_eq!(end_of(&tl, "mirror-b"), End::Completed);
    for name in ["mirror-a", "mirror-c"] {
        assert_eq!(end_of(&tl, name), End::Cancelled, "{name}");
        assert!(close(ended_at(&tl, name), 1.0), "{name} dropped at 1u");
    }
    assert!(tl.leaks().is_empty(), "the losers are gone, not leaked");
}

#[test]
fn select_race_join_next_hands_answers_back_in_finish_order() {
    let tl = timeline("select-race", &[("mode", "join-next")]);
    assert_eq!(
        tl.values["arrival_order"],
        json!(["mirror-b", "mirror-c", "mirror-a"])
    );
    assert!(close(total(&tl), 3.0));
    for (name, at) in
        [("mirror-a", 3.0), ("mirror-b", 1.0), ("mirror-c", 2.0)]
    {
        assert_eq!(end_of(&tl, name), End::Completed);
        assert!(close(ended_at(&tl, name), at));
    }
}

#[test]
fn select_race_in_order_waits_for_a_before_reading_b() {
    let tl = timeline("select-race", &[("mode", "in-order")]);
    assert_eq!(
        tl.values["arrival_order"],
        json!(["mirror-a", "mirror-b", "mirror-c"])
    );
    assert!(close(total(&tl), 3.0));
    assert!(close(ended_at(&tl, "mirror-b"), 1.0), "b was done at 1u");
}

#[test]
fn select_race_mirror_speeds_are_knobs() {
    let tl = timeline("select-race", &[("a", "0.5")]);
    assert_eq!(tl.values["winner"], json!("mirror-a"));
    assert!(close(total(&tl), 0.5));
    assert_eq!(end_of(&tl, "mirror-b"), End::Cancelled);
    assert_eq!(end_of(&tl, "mirror-c"), End::Cancelled);

    let tl =
        timeline("select-race", &[("mode", "join-next"), ("c", "0.2")]);
    assert_eq!(
        tl.values["arrival_order"],
        json!(["mirror-c", "mirror-b", "mirror-a"])
    );
}

// ---------------------------------------------------------------- lesson 5: timeouts

#[test]
fn timeouts_cancel_at_the_deadline_and_drop_the_guard() {
    let tl = timeline("timeouts", &[]);
    assert_eq!(
        tl.values["results"],
        json!(["timeout", "timeout", "success"])
    );
    assert!(close(total(&tl), 7.0), "2.5 + 1.5 + 3");
    assert!(close(value_units(&tl, "total_units"), 7.0));
    for (name, start, deadline) in
        [("call-1", 0.0, 2.5), ("call-2", 2.5, 4.0)]
    {
        assert_eq!(end_of(&tl, name), End::Cancelled, "{name}");
        assert!(close(spawned_at(&tl, name), start));
        assert!(close(ended_at(&tl, name), deadline), "{name}");
        assert_eq!(
            marks_at(&tl, name, "guard dropped"),
            vec![deadline],
            "{name} drops its guard at the deadline"
        );
        assert!(marks_at(&tl, name, "call finished").is_empty());
    }
    assert_eq!(end_of(&tl, "call-3"), End::Completed);
    assert!(close(ended_at(&tl, "call-3"), 7.0));
    assert_eq!(marks_at(&tl, "call-3", "guard dropped"), vec![7.0]);
    let timeouts: Vec<f64> = tl
        .marks
        .iter()
        .filter(|m| m.text == "timeout!")
        .map(|m| tl.units(m.at.rt_ns))
        .collect();
    assert_eq!(timeouts, vec![2.5, 4.0]);
    assert!(tl.leaks().is_empty());
}

#[test]
fn timeouts_knobs_change_which_calls_succeed() {
    let tl = timeline("timeouts", &[("call", "1")]);
    assert_eq!(
        tl.values["results"],
        json!(["success", "success", "success"])
    );
    assert!(close(total(&tl), 3.0));
    assert!(tl.scenario_tasks().all(|t| t.end == End::Completed));

    let tl = timeline("timeouts", &[("t1", "3.5")]);
    assert_eq!(
        tl.values["results"],
        json!(["success", "timeout", "success"])
    );
    assert!(close(total(&tl), 7.5), "3 + 1.5 + 3");
    assert_eq!(end_of(&tl, "call-2"), End::Cancelled);
    assert_eq!(marks_at(&tl, "call-2", "guard dropped"), vec![4.5]);
}
