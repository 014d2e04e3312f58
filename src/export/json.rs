//! The JSON summary of a run: `asyncscope run <id> --format json`.
//!
//! A public contract that other tools script against: fields are only ever added. All times are
//! seconds (floats) since the run started. Fields marked *rt* are on the runtime clock (virtual
//! with `--virtual-time`, where they are exact); fields marked *wall* are on the wall clock,
//! which keeps running even while a paused clock stands still (CPU work), and vary run to run.
//!
//! ```text
//! {
//!   "scenario": "breakfast",            scenario id
//!   "title": "Breakfast: …",
//!   "knobs": {"mode": "together", …},   every knob, values as strings
//!   "clock": "virtual" | "real",
//!   "unit_ms": 1000.0,                  ms of runtime clock per scenario unit `u`
//!   "duration": 3.0,                    rt: when the scenario's root future finished
//!   "timed_out": false,                 the run hit its time limit and was stopped
//!   "tasks": [{
//!     "id": 2,                          tokio's task id
//!     "name": "coffee",                 the task's name ("main" for the root)
//!     "kind": "task" | "blocking" | "block_on" | "local",
//!     "spawned": 0.0,                   rt
//!     "ended": 3.0 | null,              rt; null while still alive at the end of the trace
//!     "outcome": "completed" | "cancelled" | "panicked" | "ended" | "running",
//!     "polls": 2,
//!     "busy": 0.0, "idle": 3.0, "scheduled": 0.0,     rt totals per state (busy includes
//!                                                     blocking-pool work)
//!     "busy_wall": 0.00002,             wall: time spent inside polls
//!     "longest_poll_wall": 0.00001,     wall: the longest single poll (0 without polls)
//!     "parent": 1 | null,               tokio id of the task that spawned it
//!     "spawned_at": "src/…:72:9" | null,
//!     "probe": false                    part of asyncscope's measuring (the heartbeat)
//!   }, …],
//!   "marks": [{"at": 2.5, "task": "main" | null, "text": "cancel!"}, …],     at: rt
//!   "heartbeat": null | {"ticks": 39, "p50_ms": 0.1, "p99_ms": 200.2, "max_ms": 200.2},
//!                                       lag of the heartbeat probe's ticks, wall ms
//!   "leaks": ["name", …],               tasks still alive when the scenario finished
//!   "deadlock": null | {"message": "deadlock: …", "tasks": ["name", …]},
//!   "values": {…}                       what the scenario computed (free-form)
//! }
//! ```

use super::secs;
use crate::timeline::{TaskLine, Timeline};
use serde_json::{Map, Value, json};

/// The summary of `timeline` (see the module documentation for its shape).
pub fn to_value(timeline: &Timeline) -> Value {
    let tl = timeline;
    let name_of =
        |idx: u32| tl.tasks.get(idx as usize).map(TaskLine::label);
    let knobs: Map<String, Value> = tl
        .header
        .knobs
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    let tasks: Vec<Value> = tl.tasks.iter().map(|t| task(tl, t)).collect();
    let marks: Vec<Value> = tl
        .marks
        .iter()
        .map(|m| {
            json!({
                "at": secs(m.at.rt_ns),
                "task": m.task.and_then(name_of),
                "text": m.text,
            })
        })
        .collect();
    let ms = |us: Option<u32>| us.map_or(0.0, |us| us as f64 / 1000.0);
    let heartbeat = if tl.heartbeats.is_empty() {
        Value::Null
    } else {
        json!({
            "ticks": tl.heartbeats.len(),
            "p50_ms": ms(tl.heartbeat_lag_percentile(50.0)),
            "p99_ms": ms(tl.heartbeat_lag_percentile(99.0)),
            "max_ms": ms(tl.max_heartbeat_lag_us()),
        })
    };
    let leaks: Vec<String> =
        tl.leaks().into_iter().filter_map(name_of).collect();
    let deadlock = match tl.deadlock() {
        None => Value::Null,
        Some(d) => {
            let names: Vec<String> =
                d.stuck.iter().filter_map(|(t, _)| name_of(*t)).collect();
            json!({"message": tl.describe_deadlock(&d), "tasks": names})
        }
    };
    let values: Map<String, Value> = tl
        .values
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    json!({
        "scenario": tl.header.scenario,
        "title": tl.header.title,
        "knobs": knobs,
        "clock": tl.header.clock.as_str(),
        "unit_ms": tl.header.unit_ms,
        "duration": secs(tl.finish_stamp().rt_ns),
        "timed_out": tl.timed_out,
        "tasks": tasks,
        "marks": marks,
        "heartbeat": heartbeat,
        "leaks": leaks,
        "deadlock": deadlock,
        "values": values,
    })
}

fn task(tl: &Timeline, t: &TaskLine) -> Value {
    json!({
        "id": t.info.tokio_id,
        "name": t.label(),
        "kind": t.info.kind.as_str(),
        "spawned": secs(t.spawned.rt_ns),
        "ended": t.ended.map(|e| secs(e.rt_ns)),
        "outcome": t.end.as_str(),
        "polls": t.polls.len(),
        "busy": secs(t.busy_ns()),
        "idle": secs(t.idle_ns()),
        "scheduled": secs(t.scheduled_ns()),
        "busy_wall": secs(t.busy_wall_ns()),
        "longest_poll_wall": secs(t.longest_poll().map_or(0, |p| p.wall_ns())),
        "parent": t.info.parent.and_then(|p| tl.tasks.get(p as usize)).map(|p| p.info.tokio_id),
        "spawned_at": t.info.spawned_at.as_ref().map(|l| l.to_string()),
        "probe": t.info.probe,
    })
}

/// [`to_value`], pretty-printed.
pub fn to_string_pretty(timeline: &Timeline) -> String {
    serde_json::to_string_pretty(&to_value(timeline))
        .expect("a JSON value always serializes")
}
