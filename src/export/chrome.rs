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
//! `ts` is microseconds of the *runtime* clock since the run started; a poll's `dur` is its
//! *wall-clock* duration. On the real clock the two agree. On a paused (virtual) clock a poll
//! takes no virtual time but does take real CPU time: polls made at the same virtual instant
//! share a `ts`, so their slices can overlap in the viewer (each poll's wall-clock start is in
//! `args.wall_us`).

use crate::timeline::{TaskLine, Timeline};
use serde_json::{Value, json};

const PID: u32 = 1;

fn us(ns: u64) -> f64 {
    ns as f64 / 1000.0
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

    for t in &tl.tasks {
        let label = t.label();
        let tid = t.polls.first().map_or(1, |p| p.thread as u32 + 1);
        let end_ns = t
            .ended
            .map_or(tl.end.rt_ns, |e| e.rt_ns)
            .max(t.spawned.rt_ns);
        events.push(json!({
            "ph": "b", "cat": "task", "id": t.info.idx, "name": label, "pid": PID, "tid": tid,
            "ts": us(t.spawned.rt_ns),
            "args": {
                "task_id": t.info.tokio_id,
                "kind": t.info.kind.as_str(),
                "probe": t.info.probe,
                "spawned_at": t.info.spawned_at.as_ref().map(|l| l.to_string()),
            },
        }));
        events.push(json!({
            "ph": "e", "cat": "task", "id": t.info.idx, "name": label, "pid": PID, "tid": tid,
            "ts": us(end_ns),
            "args": {"outcome": t.end.as_str()},
        }));
        for p in &t.polls {
            events.push(json!({
                "ph": "X", "cat": "poll", "name": label, "pid": PID,
                "tid": p.thread as u32 + 1,
                "ts": us(p.start.rt_ns),
                "dur": us(p.wall_ns()),
                "args": {
                    "task_id": t.info.tokio_id,
                    "task": t.info.idx,
                    "wall_us": us(p.start.wall_ns),
                },
            }));
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
            "ph": "i", "cat": "mark", "name": m.text, "pid": PID, "ts": us(m.at.rt_ns),
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
            "ph": "C", "name": "heartbeat lag", "pid": PID, "ts": us(h.at.rt_ns),
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
