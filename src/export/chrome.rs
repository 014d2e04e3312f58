//! The Chrome trace event format (JSON object form), which Perfetto (ui.perfetto.dev) and
//! chrome://tracing open: `asyncscope run <id> --format chrome --out run.json`.
//!
//! Everything is in process 1 (named after the scenario):
//!
//! - each task's life is an async slice: `"ph":"b"` at its spawn and `"ph":"e"` at its end (or
//!   the end of the trace), `"cat":"task"`, `"id"` = the task's index in the trace, `"name"` =
//!   its name, with its tokio id, kind and outcome in `args`;
//! - each poll is a complete event (`"ph":"X"`) on the thread that ran it (`tid` is the
//!   thread's index plus one; `thread_name` metadata events name the threads "main thread",
//!   "worker N" or "blocking N", as the text export and the TUI do), with the task's name and
//!   ids in `args`;
//! - marks are instant events (`"ph":"i"`) on the thread of the task that set them (`"s":"t"`),
//!   or global (`"s":"g"`) when no task was being polled;
//! - heartbeat lag, when the run had a heartbeat, is a counter (`"ph":"C"`, "heartbeat lag",
//!   `args.lag_ms`).
//!
//! Time: `ts` and `dur` are on one clock, the runtime's (µs since the run started), so a viewer
//! draws a thread's polls one after another, or one inside the other when one really ran
//! inside another, never half over each other. Each poll's wall-clock start and duration are
//! in `args.wall_us` and `args.wall_dur_us`.
//!
//! - On the real clock the runtime clock is the wall clock: `ts` is when a poll started and
//!   `dur` how long it ran. Should two polls of one thread still half overlap (a trace recorded
//!   out of step, or edited by hand), the earlier one is cut short where the later one starts.
//! - On the paused clock a poll takes no virtual time: the clock only moves while the runtime
//!   is idle, so all the polls between two moves start and end at one virtual instant. To draw
//!   them in the order they ran, the moments recorded at one instant (poll starts and ends,
//!   spawns, task ends, marks, heartbeats) are laid out from the instant in wall-clock order,
//!   [`PAUSED_STEP_NS`] apart: a poll drawn at 2.5 s + 3 ns started at virtual 2.5 s
//!   (`args.virtual_us`), after three other moments there, and contains the spawns and marks it
//!   made. One nanosecond is the finest step Perfetto keeps, and tiny beside the millisecond
//!   timer: below a thousand moments an instant still reads as itself to the µs, and a million
//!   polls at one instant spread over 2 ms. An instant crowded right up to the next one gets a
//!   smaller step, so that its moments always stay before the next instant (then a viewer may
//!   draw neighbours at one nanosecond). Zero-length slices at the instant were the other
//!   choice; they leave their order, and which of them a mark belongs to, to each viewer's
//!   sorting of equal timestamps.

use crate::timeline::{Stamp, TaskLine, Timeline};
use crate::trace::Clock;
use serde_json::{Value, json};

const PID: u32 = 1;

/// How far apart the moments recorded at one virtual instant are drawn, at most.
pub const PAUSED_STEP_NS: f64 = 1.0;

fn us(ns: u64) -> f64 {
    ns as f64 / 1000.0
}

/// Where the export draws each moment of the run (see the module comment).
enum Axis {
    /// At its runtime-clock time.
    Real,
    /// Every moment the export draws, sorted, and where each is drawn (ns).
    Paused { stamps: Vec<Stamp>, drawn: Vec<f64> },
}

impl Axis {
    fn new(tl: &Timeline) -> Axis {
        if tl.header.clock != Clock::Paused {
            return Axis::Real;
        }
        let mut stamps = vec![tl.end];
        for t in &tl.tasks {
            stamps.push(t.spawned);
            stamps.extend(t.ended);
            for p in &t.polls {
                stamps.extend([p.start, p.end]);
            }
        }
        stamps.extend(tl.marks.iter().map(|m| m.at));
        stamps.extend(tl.heartbeats.iter().map(|h| h.at));
        stamps.sort_unstable();
        stamps.dedup();
        let mut drawn = Vec::with_capacity(stamps.len());
        for instant in stamps.chunk_by(|a, b| a.rt_ns == b.rt_ns) {
            let at = instant[0].rt_ns;
            let n = instant.len();
            // n moments take n - 1 steps, which must end before the next instant.
            let step = match stamps.get(drawn.len() + n) {
                Some(next) => {
                    PAUSED_STEP_NS.min((next.rt_ns - at) as f64 / n as f64)
                }
                None => PAUSED_STEP_NS,
            };
            drawn.extend((0..n).map(|i| at as f64 + i as f64 * step));
        }
        Axis::Paused { stamps, drawn }
    }

    /// Where `at` is drawn, in ns.
    fn ns(&self, at: Stamp) -> f64 {
        match self {
            Axis::Paused { stamps, drawn } => {
                if let Ok(i) = stamps.binary_search(&at) {
                    return drawn[i];
                }
                at.rt_ns as f64
            }
            Axis::Real => at.rt_ns as f64,
        }
    }
}

/// A poll slice as drawn (ns), and which poll of which task it is.
struct Drawn {
    start: f64,
    end: f64,
    task: usize,
    poll: usize,
}

/// Cut short any slice of one thread that a later one starts inside and outlasts, so that the
/// thread's slices only follow or contain one another.
fn untangle(slices: &mut [Drawn]) {
    slices.sort_by(|a, b| {
        a.start.total_cmp(&b.start).then(b.end.total_cmp(&a.end))
    });
    let mut open: Vec<usize> = Vec::new();
    for i in 0..slices.len() {
        let start = slices[i].start;
        while let Some(&top) = open.last() {
            if slices[top].end <= start {
                open.pop();
            } else if slices[top].end < slices[i].end {
                slices[top].end = start;
                open.pop();
            } else {
                break;
            }
        }
        open.push(i);
    }
}

/// The Chrome trace of `timeline`: `{"traceEvents": [...], "displayTimeUnit": "ms"}`.
pub fn to_value(timeline: &Timeline) -> Value {
    let tl = timeline;
    let mut events: Vec<Value> = Vec::new();

    events.push(json!({
        "ph": "M", "pid": PID, "name": "process_name",
        "args": {"name": format!("asyncscope: {}", tl.header.scenario)},
    }));
    let thread_names = crate::view::names::thread_names(tl);
    for (th, name) in tl.threads.iter().zip(thread_names) {
        let tid = th.idx as u32 + 1;
        events.push(json!({
            "ph": "M", "pid": PID, "tid": tid, "name": "thread_name",
            "args": {"name": name},
        }));
        events.push(json!({
            "ph": "M", "pid": PID, "tid": tid, "name": "thread_sort_index",
            "args": {"sort_index": if th.blocking_pool { 1000 + tid } else { tid }},
        }));
    }

    let axis = Axis::new(tl);
    let paused = matches!(axis, Axis::Paused { .. });
    // Where each poll is drawn, indexed like the tasks' polls.
    let mut poll_at: Vec<Vec<(f64, f64)>> = tl
        .tasks
        .iter()
        .map(|t| vec![(0.0, 0.0); t.polls.len()])
        .collect();
    let mut per_thread: Vec<Vec<Drawn>> = Vec::new();
    for (task, t) in tl.tasks.iter().enumerate() {
        for (poll, p) in t.polls.iter().enumerate() {
            let th = p.thread as usize;
            if per_thread.len() <= th {
                per_thread.resize_with(th + 1, Vec::new);
            }
            let start = axis.ns(p.start);
            per_thread[th].push(Drawn {
                start,
                end: axis.ns(p.end).max(start),
                task,
                poll,
            });
        }
    }
    for slices in &mut per_thread {
        untangle(slices);
        for d in slices.iter() {
            poll_at[d.task][d.poll] = (d.start, d.end);
        }
    }

    for (t, drawn) in tl.tasks.iter().zip(&poll_at) {
        let label = t.label();
        let tid = t.polls.first().map_or(1, |p| p.thread as u32 + 1);
        let begin = axis.ns(t.spawned);
        let end = axis.ns(t.ended.unwrap_or(tl.end)).max(begin);
        events.push(json!({
            "ph": "b", "cat": "task", "id": t.info.idx, "name": label, "pid": PID, "tid": tid,
            "ts": begin / 1000.0,
            "args": {
                "task_id": t.info.tokio_id,
                "kind": t.info.kind.as_str(),
                "probe": t.info.probe,
                "spawned_at": t.info.spawned_at.as_ref().map(|l| l.to_string()),
            },
        }));
        events.push(json!({
            "ph": "e", "cat": "task", "id": t.info.idx, "name": label, "pid": PID, "tid": tid,
            "ts": end / 1000.0,
            "args": {"outcome": t.end.as_str()},
        }));
        for (p, &(start, end)) in t.polls.iter().zip(drawn) {
            let mut ev = json!({
                "ph": "X", "cat": "poll", "name": label, "pid": PID,
                "tid": p.thread as u32 + 1,
                "ts": start / 1000.0,
                "dur": (end - start) / 1000.0,
                "args": {
                    "task_id": t.info.tokio_id,
                    "task": t.info.idx,
                    "wall_us": us(p.start.wall_ns),
                    "wall_dur_us": us(p.wall_ns()),
                },
            });
            if paused {
                ev["args"]["virtual_us"] = json!(us(p.start.rt_ns));
            }
            events.push(ev);
        }
    }

    for m in &tl.marks {
        let thread = m
            .task
            .and_then(|i| tl.tasks.get(i as usize))
            .and_then(|t| poll_thread_at(t, m.at.wall_ns));
        let task = m
            .task
            .and_then(|i| tl.tasks.get(i as usize))
            .map(TaskLine::label);
        let mut ev = json!({
            "ph": "i", "cat": "mark", "name": m.text, "pid": PID,
            "ts": axis.ns(m.at) / 1000.0,
            "args": {"task": task},
        });
        match thread {
            Some(th) => {
                ev["s"] = json!("t");
                ev["tid"] = json!(th as u32 + 1);
            }
            None => ev["s"] = json!("g"),
        }
        events.push(ev);
    }

    for h in &tl.heartbeats {
        events.push(json!({
            "ph": "C", "name": "heartbeat lag", "pid": PID,
            "ts": axis.ns(h.at) / 1000.0,
            "args": {"lag_ms": h.lag_us as f64 / 1000.0},
        }));
    }

    json!({
        "traceEvents": events,
        "displayTimeUnit": "ms",
        "otherData": {
            "scenario": tl.header.scenario,
            "title": tl.header.title,
            "clock": tl.header.clock.as_str(),
            "unit_ms": tl.header.unit_ms,
            "knobs": tl.header.knobs,
        },
    })
}

/// The thread running `t`'s poll at wall-clock `wall_ns`.
fn poll_thread_at(t: &TaskLine, wall_ns: u64) -> Option<u16> {
    t.polls
        .iter()
        .find(|p| p.start.wall_ns <= wall_ns && wall_ns <= p.end.wall_ns)
        .map(|p| p.thread)
}

/// [`to_value`] as compact JSON.
pub fn to_string(timeline: &Timeline) -> String {
    serde_json::to_string(&to_value(timeline))
        .expect("a JSON value always serializes")
}
