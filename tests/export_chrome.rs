//! The Chrome export draws well-formed tracks: on a thread, poll slices never cross (one starts
//! inside another and ends after it), and on the paused clock they do not even nest, since a
//! current-thread runtime polls one task at a time. Checked on every scenario on both clocks,
//! and on hand-made traces for what runs rarely or never record: an instant crowded right up
//! to the next one, polls that half overlap.

use asyncscope::export::chrome;
use asyncscope::scenarios::{RunOptions, registry, run};
use asyncscope::timeline::Timeline;
use asyncscope::trace::{
    Clock, Event, EventKind, Header, TaskInfo, TaskKind, ThreadInfo, Trace,
};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// Knobs that keep a run short: the load scenarios at a few hundred tasks and polls, the CPU
/// jobs at tens of milliseconds (their length is wall-clock time on both clocks).
fn small_knobs(id: &str) -> &'static [(&'static str, &'static str)] {
    match id {
        "many-tasks" => {
            &[("tasks", "300"), ("wave", "100"), ("nap", "0.5")]
        }
        "many-polls" => &[("polls", "3000"), ("tasks", "4")],
        "heartbeat-cpu" => &[("job_ms", "30")],
        "blocking-heartbeat" => &[("job_ms", "30")],
        "runtime-tour" => &[("hog_ms", "30")],
        _ => &[],
    }
}

/// Runs that reach other kinds of thread than the defaults do: the blocking pool, and a
/// multi-thread runtime (which always runs on the real clock).
const VARIANTS: &[(&str, &[(&str, &str)])] = &[
    (
        "heartbeat-cpu",
        &[("mode", "spawn_blocking"), ("job_ms", "30")],
    ),
    (
        "blocking-heartbeat",
        &[("mode", "spawn_blocking"), ("job_ms", "30")],
    ),
    ("flavors", &[("runtime", "multi_thread"), ("load", "io")]),
    ("flavors", &[("runtime", "multi_thread"), ("load", "cpu")]),
];

/// The Chrome export of a run, as a viewer reads it: parsed from the text.
fn export(
    id: &str,
    knobs: &[(&str, &str)],
    paused: bool,
) -> (Value, Timeline) {
    let mut options = if paused {
        RunOptions::virtual_time()
    } else {
        RunOptions {
            unit_ms: 20.0,
            ..RunOptions::default()
        }
    };
    for (k, v) in knobs {
        options = options.knob(k, v);
    }
    let tl = Timeline::from_trace(
        &run(id, &options).unwrap_or_else(|e| panic!("{id} runs: {e}")),
    );
    let doc = serde_json::from_str(&chrome::to_string(&tl))
        .unwrap_or_else(|e| panic!("{id}: the export parses: {e}"));
    (doc, tl)
}

/// A time in the export (µs) as whole ns, the resolution Perfetto keeps.
fn ns(v: &Value) -> i64 {
    at_resolution(v, 1000.0)
}

/// A time in the export (µs) in steps of `1 / per_us` µs.
fn at_resolution(v: &Value, per_us: f64) -> i64 {
    (v.as_f64().expect("a number") * per_us).round() as i64
}

#[derive(Debug)]
struct Slice {
    start: i64,
    end: i64,
    event: String,
}

/// What is wrong with the `X` slices of one export, one line each, read to the ns.
fn slice_problems(doc: &Value, allow_nesting: bool) -> Vec<String> {
    slice_problems_at(doc, allow_nesting, 1000.0)
}

fn slice_problems_at(
    doc: &Value,
    allow_nesting: bool,
    per_us: f64,
) -> Vec<String> {
    let mut tracks: BTreeMap<(u64, u64), Vec<Slice>> = BTreeMap::new();
    for e in doc["traceEvents"].as_array().unwrap() {
        if e["ph"] != "X" {
            continue;
        }
        let start = at_resolution(&e["ts"], per_us);
        let dur = at_resolution(&e["dur"], per_us);
        let key = (e["pid"].as_u64().unwrap(), e["tid"].as_u64().unwrap());
        tracks.entry(key).or_default().push(Slice {
            start,
            end: start + dur,
            event: e.to_string(),
        });
    }
    let mut problems = Vec::new();
    for ((pid, tid), mut slices) in tracks {
        for s in &slices {
            if s.end < s.start {
                problems.push(format!("negative duration: {}", s.event));
            }
        }
        // Outer slices first, so each one is checked against the innermost still open.
        slices.sort_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
        let mut open: Vec<&Slice> = Vec::new();
        for s in &slices {
            while open.last().is_some_and(|o| o.end <= s.start) {
                open.pop();
            }
            if let Some(outer) = open.last() {
                if s.end > outer.end {
                    problems.push(format!(
                        "pid {pid} tid {tid}: crossing slices\n  {}\n  {}",
                        outer.event, s.event
                    ));
                } else if !allow_nesting {
                    problems.push(format!(
                        "pid {pid} tid {tid}: nested slices\n  {}\n  {}",
                        outer.event, s.event
                    ));
                }
            }
            open.push(s);
        }
    }
    problems
}

/// Every async slice begins once and ends once, not before it began.
fn async_problems(doc: &Value) -> Vec<String> {
    let mut begun: HashMap<String, (i64, Value)> = HashMap::new();
    let mut problems = Vec::new();
    let events = doc["traceEvents"].as_array().unwrap();
    for e in events.iter().filter(|e| e["ph"] == "b") {
        let key = format!("{}/{}", e["cat"], e["id"]);
        if begun
            .insert(key, (ns(&e["ts"]), e["name"].clone()))
            .is_some()
        {
            problems.push(format!("two begins: {e}"));
        }
    }
    for e in events.iter().filter(|e| e["ph"] == "e") {
        let key = format!("{}/{}", e["cat"], e["id"]);
        match begun.remove(&key) {
            None => problems.push(format!("an end without a begin: {e}")),
            Some((ts, name)) => {
                if ns(&e["ts"]) < ts {
                    problems.push(format!("ends before it begins: {e}"));
                }
                if e["name"] != name {
                    problems.push(format!("ends under another name: {e}"));
                }
            }
        }
    }
    problems.extend(
        begun.keys().map(|k| format!("a begin without an end: {k}")),
    );
    problems
}

/// On the paused clock: a poll is drawn from its own virtual instant on and before the next
/// instant a poll started at, its wall-clock figures are in `args`, and a thread's polls are
/// drawn in the order they ran.
fn paused_problems(doc: &Value, tl: &Timeline) -> Vec<String> {
    let mut problems = Vec::new();
    // (instant, wall start, ts, tid, the event)
    let mut polls = Vec::new();
    for p in doc["traceEvents"].as_array().unwrap() {
        if p["ph"] != "X" {
            continue;
        }
        let args = &p["args"];
        match (args["virtual_us"].as_f64(), args["wall_us"].as_f64()) {
            (Some(_), Some(_)) if args["wall_dur_us"].is_number() => polls
                .push((
                    ns(&args["virtual_us"]),
                    ns(&args["wall_us"]),
                    ns(&p["ts"]),
                    p["tid"].as_u64().unwrap(),
                    p,
                )),
            _ => problems.push(format!("no virtual and wall figures: {p}")),
        }
    }
    let mut instants: Vec<i64> = polls.iter().map(|p| p.0).collect();
    instants.sort_unstable();
    instants.dedup();
    for &(at, _, ts, _, p) in &polls {
        let next = instants.partition_point(|&i| i <= at);
        if ts < at || instants.get(next).is_some_and(|&n| ts >= n) {
            problems.push(format!("drawn away from its instant: {p}"));
        }
    }
    let mut by_thread: BTreeMap<u64, Vec<(i64, i64)>> = BTreeMap::new();
    for &(_, wall, ts, tid, _) in &polls {
        by_thread.entry(tid).or_default().push((wall, ts));
    }
    for (tid, mut polls) in by_thread {
        polls.sort_unstable();
        if !polls.windows(2).all(|w| w[0].1 <= w[1].1) {
            problems.push(format!("tid {tid}: polls drawn out of order"));
        }
    }
    let expected: usize = tl.tasks.iter().map(|t| t.polls.len()).sum();
    if polls.len() != expected {
        problems.push(format!("{} polls drawn of {expected}", polls.len()));
    }
    problems
}

fn check_all(paused: bool) {
    let mut runs: Vec<(&str, &[(&str, &str)])> = registry()
        .iter()
        .map(|s| (s.id, small_knobs(s.id)))
        .collect();
    runs.extend_from_slice(VARIANTS);
    let mut failures = Vec::new();
    for (id, knobs) in runs {
        let (doc, tl) = export(id, knobs, paused);
        // Multi-thread runs fall back to the real clock. There a slice inside another would
        // be a poll that really ran inside another, so only crossing is wrong.
        let on_paused = tl.header.clock == Clock::Paused;
        assert_eq!(doc["otherData"]["clock"], tl.header.clock.as_str());
        let mut problems = slice_problems(&doc, !on_paused);
        problems.extend(async_problems(&doc));
        if on_paused {
            problems.extend(paused_problems(&doc, &tl));
        }
        if !problems.is_empty() {
            let shown: Vec<&String> = problems.iter().take(3).collect();
            failures.push(format!(
                "{id} {knobs:?} ({} clock): {} problems, the first:\n{}",
                tl.header.clock.as_str(),
                problems.len(),
                shown
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join("\n")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_scenario_on_the_paused_clock_draws_polls_side_by_side() {
    check_all(true);
}

#[test]
fn every_scenario_on_the_real_clock_draws_no_crossing_slices() {
    check_all(false);
}

// ---------------------------------------------------------------------------------------------
// Hand-made traces: what a recorded run rarely or never produces.

fn trace(clock: Clock, tasks: &[&str], events: Vec<Event>) -> Trace {
    let mut trace = Trace::empty(Header::new("hand-made", clock, 1000.0));
    trace.threads = vec![ThreadInfo {
        idx: 0,
        name: "main".into(),
    }];
    trace.tasks = tasks
        .iter()
        .enumerate()
        .map(|(i, name)| TaskInfo {
            idx: i as u32,
            tokio_id: i as u64 + 1,
            name: name.to_string(),
            kind: if i == 0 {
                TaskKind::BlockOn
            } else {
                TaskKind::Task
            },
            spawned_at: None,
            parent: (i > 0).then_some(0),
            probe: false,
        })
        .collect();
    trace.events = events;
    trace.validate().expect("the hand-made trace is consistent");
    trace
}

fn ev(kind: EventKind, wall_ns: u64, task: u32) -> Event {
    Event::new(kind, wall_ns, 0, task, 0)
}

fn polls_of<'a>(doc: &'a Value, name: &str) -> Vec<&'a Value> {
    doc["traceEvents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["ph"] == "X" && e["name"] == name)
        .collect()
}

#[test]
fn a_crowded_instant_is_drawn_in_order_before_the_next_one() {
    use EventKind::*;
    // Eight tasks spawned and polled at virtual 0, the clock's next move only 5 ns later:
    // 27 moments at 0 must share those 5 ns.
    let names = ["main", "t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8"];
    let mut events = vec![
        Event::clock_sync(0, 0),
        ev(TaskSpawn, 1, 0),
        ev(PollStart, 2, 0),
    ];
    let mut wall = 3;
    for t in 1..=8 {
        events.push(ev(TaskSpawn, wall, t));
        wall += 1;
    }
    events.push(ev(PollEnd, wall, 0));
    for t in 1..=8 {
        events.push(ev(PollStart, wall + 1, t));
        events.push(ev(PollEnd, wall + 2, t));
        wall += 2;
    }
    events.push(Event::clock_sync(wall + 1, 5));
    events.push(ev(PollStart, wall + 2, 0));
    events.push(ev(PollEnd, wall + 3, 0));
    let tl = Timeline::from_trace(&trace(Clock::Paused, &names, events));
    let doc = chrome::to_value(&tl);

    // Read to the femtosecond: these steps are finer than a nanosecond.
    let fs = 1e9;
    let problems = slice_problems_at(&doc, false, fs);
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(
        async_problems(&doc).is_empty(),
        "{:#?}",
        async_problems(&doc)
    );
    let at = |e: &Value| at_resolution(&e["ts"], fs);
    let end = |e: &Value| at(e) + at_resolution(&e["dur"], fs);
    let next_instant = 5_000_000; // 5 ns in fs
    let main = polls_of(&doc, "main");
    assert_eq!(main.len(), 2);
    let spawn_of_main = doc["traceEvents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["ph"] == "b" && e["name"] == "main")
        .unwrap();
    assert_eq!(at(spawn_of_main), 0, "the instant's first moment is at it");
    assert_eq!(at(main[1]), next_instant, "the next instant is exact");
    let mut last_end = end(main[0]);
    for name in &names[1..] {
        let p = polls_of(&doc, name);
        assert_eq!(p.len(), 1);
        assert!(
            at(p[0]) >= last_end,
            "{name} is drawn after the poll before it"
        );
        last_end = end(p[0]);
    }
    assert!(last_end < next_instant, "the instant overran the next one");

    // Each spawn is drawn inside the poll of main that made it.
    for e in doc["traceEvents"].as_array().unwrap() {
        if e["ph"] == "b" && e["name"] != "main" {
            assert!(at(main[0]) < at(e) && at(e) < end(main[0]), "{e}");
        }
    }
}

#[test]
fn polls_that_half_overlap_on_a_thread_are_cut_apart() {
    use EventKind::*;
    // A and B's first polls half overlap (as no runtime polls, but a trace edited by hand
    // can say); their second polls nest.
    let events = vec![
        Event::clock_sync(0, 0),
        ev(TaskSpawn, 1_000, 1),
        ev(TaskSpawn, 2_000, 2),
        ev(PollStart, 10_000, 1),
        ev(PollStart, 20_000, 2),
        ev(PollEnd, 30_000, 1),
        ev(PollEnd, 40_000, 2),
        ev(PollStart, 50_000, 1),
        ev(PollStart, 60_000, 2),
        ev(PollEnd, 70_000, 2),
        ev(PollEnd, 80_000, 1),
    ];
    let tasks = ["main", "A", "B"];
    let span = |p: &Value| {
        let ts = p["ts"].as_f64().unwrap();
        (ts, ts + p["dur"].as_f64().unwrap())
    };

    let real =
        Timeline::from_trace(&trace(Clock::Real, &tasks, events.clone()));
    let doc = chrome::to_value(&real);
    let problems = slice_problems(&doc, true);
    assert!(problems.is_empty(), "{problems:#?}");
    let (a, b) = (polls_of(&doc, "A"), polls_of(&doc, "B"));
    // The earlier poll is cut short where the later one starts; its wall-clock figures stay.
    assert_eq!(span(a[0]), (10.0, 20.0));
    assert_eq!(a[0]["args"]["wall_dur_us"], 20.0);
    assert_eq!(span(b[0]), (20.0, 40.0));
    // Nesting is kept.
    assert_eq!(span(a[1]), (50.0, 80.0));
    assert_eq!(span(b[1]), (60.0, 70.0));

    // On the paused clock too, the half overlap is cut apart.
    let paused =
        Timeline::from_trace(&trace(Clock::Paused, &tasks, events));
    let doc = chrome::to_value(&paused);
    let problems = slice_problems(&doc, true);
    assert!(problems.is_empty(), "{problems:#?}");
    let (a, b) = (polls_of(&doc, "A"), polls_of(&doc, "B"));
    assert!(span(a[0]).1 <= span(b[0]).0, "{} {}", a[0], b[0]);
}
