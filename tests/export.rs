//! The exporters: Chrome trace, JSON summary and text timeline, on virtual-time runs (exact
//! runtime-clock figures) and on a hand-made trace for the cases the scenarios do not reach.

use asyncscope::export::{chrome, json, text};
use asyncscope::scenarios::{RunOptions, run};
use asyncscope::timeline::Timeline;
use asyncscope::trace::{
    Clock, Event, EventKind, Header, Outcome as TaskOutcome, TaskInfo,
    TaskKind, ThreadInfo, Trace,
};
use serde_json::Value;
use std::collections::HashMap;

fn timeline(id: &str, knobs: &[(&str, &str)]) -> Timeline {
    let mut options = RunOptions::virtual_time();
    for (k, v) in knobs {
        options = options.knob(k, v);
    }
    Timeline::from_trace(&run(id, &options).expect("scenario runs"))
}

fn close(actual: f64, expected: f64) -> bool {
    (actual - expected).abs() < 0.01
}

fn assert_fits(text: &str, width: usize) {
    for line in text.lines() {
        let n = line.chars().count();
        assert!(
            n <= width,
            "line of {n} chars exceeds {width}:\n{line}\n\n{text}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Chrome

#[test]
fn chrome_export_of_cancel_at_is_a_well_formed_trace() {
    let tl = timeline("cancel-at", &[]);
    let text = chrome::to_string(&tl);
    let doc: Value =
        serde_json::from_str(&text).expect("chrome export parses");
    assert_eq!(doc["displayTimeUnit"], "ms");
    let events = doc["traceEvents"]
        .as_array()
        .expect("traceEvents is an array");
    assert!(!events.is_empty());
    let ph = |e: &Value| e["ph"].as_str().unwrap_or("").to_string();

    // Every async begin has an end with the same id, name and category.
    let mut open: HashMap<String, (String, f64)> = HashMap::new();
    let mut names = Vec::new();
    for e in events.iter().filter(|e| ph(e) == "b") {
        assert_eq!(e["cat"], "task");
        assert_eq!(e["pid"], 1);
        let id = e["id"].to_string();
        let name = e["name"].as_str().unwrap().to_string();
        names.push(name.clone());
        assert!(
            open.insert(id, (name, e["ts"].as_f64().unwrap())).is_none(),
            "two begins with one id"
        );
    }
    let mut ends = 0;
    for e in events.iter().filter(|e| ph(e) == "e") {
        let (name, begin) = open
            .remove(&e["id"].to_string())
            .unwrap_or_else(|| panic!("end without a begin: {e}"));
        assert_eq!(e["name"].as_str().unwrap(), name);
        assert_eq!(e["cat"], "task");
        assert!(e["ts"].as_f64().unwrap() >= begin);
        ends += 1;
    }
    assert!(open.is_empty(), "begins without an end: {open:?}");
    assert_eq!(ends, tl.tasks.len());
    for task in ["A", "B", "C", "main"] {
        assert!(names.iter().any(|n| n == task), "no slice for {task}");
    }

    // One complete event per poll, with numeric ts/dur/tid.
    let polls: Vec<&Value> =
        events.iter().filter(|e| ph(e) == "X").collect();
    let expected: usize = tl.tasks.iter().map(|t| t.polls.len()).sum();
    assert_eq!(polls.len(), expected);
    for p in &polls {
        assert!(
            p["ts"].is_number()
                && p["dur"].is_number()
                && p["tid"].is_number()
        );
        assert!(p["dur"].as_f64().unwrap() >= 0.0);
        assert!(p["args"]["task_id"].is_u64());
    }
    // On the virtual clock, ts is exact: C's second poll is at 2u = 2 s = 2,000,000 µs.
    let c_polls: Vec<f64> = polls
        .iter()
        .filter(|p| p["name"] == "C")
        .map(|p| p["ts"].as_f64().unwrap())
        .collect();
    assert_eq!(c_polls.len(), 2);
    assert!((c_polls[1] - 2_000_000.0).abs() < 1.0, "{c_polls:?}");

    // Marks are instant events; the cancel happens at 2.5u.
    let marks: Vec<&Value> =
        events.iter().filter(|e| ph(e) == "i").collect();
    assert_eq!(marks.len(), tl.marks.len());
    let cancel = marks
        .iter()
        .find(|m| m["name"] == "cancel!")
        .expect("the cancel mark");
    assert!((cancel["ts"].as_f64().unwrap() - 2_500_000.0).abs() < 1.0);
    assert!(matches!(cancel["s"].as_str(), Some("t" | "g")));

    // Threads are named for what they are: on a current_thread runtime, the one thread is
    // the thread that ran `block_on`, not a worker.
    let thread_names: Vec<&str> = events
        .iter()
        .filter(|e| ph(e) == "M" && e["name"] == "thread_name")
        .map(|e| e["args"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(thread_names, ["main thread"]);
}

#[test]
fn chrome_export_names_the_blocking_pool_and_counts_heartbeat_lag() {
    let tl = timeline(
        "blocking-heartbeat",
        &[("mode", "spawn_blocking"), ("job_ms", "20")],
    );
    let doc = chrome::to_value(&tl);
    let events = doc["traceEvents"].as_array().unwrap();
    let thread_names: Vec<&str> = events
        .iter()
        .filter(|e| e["ph"] == "M" && e["name"] == "thread_name")
        .map(|e| e["args"]["name"].as_str().unwrap())
        .collect();
    assert!(thread_names.contains(&"main thread"), "{thread_names:?}");
    assert!(thread_names.contains(&"blocking 1"), "{thread_names:?}");
    // A current_thread runtime has no workers but the thread that runs it.
    assert!(
        !thread_names.iter().any(|n| n.starts_with("worker")),
        "{thread_names:?}"
    );
    let counters = events.iter().filter(|e| e["ph"] == "C").count();
    assert_eq!(counters, tl.heartbeats.len());
    assert!(counters > 0);
}

// ---------------------------------------------------------------------------------------------
// JSON

fn check_contract(doc: &Value) {
    for (field, ok) in [
        ("scenario", doc["scenario"].is_string()),
        ("title", doc["title"].is_string()),
        ("knobs", doc["knobs"].is_object()),
        ("clock", doc["clock"].is_string()),
        ("unit_ms", doc["unit_ms"].is_number()),
        ("duration", doc["duration"].is_number()),
        ("timed_out", doc["timed_out"].is_boolean()),
        ("tasks", doc["tasks"].is_array()),
        ("marks", doc["marks"].is_array()),
        (
            "heartbeat",
            doc["heartbeat"].is_null() || doc["heartbeat"].is_object(),
        ),
        ("leaks", doc["leaks"].is_array()),
        (
            "deadlock",
            doc["deadlock"].is_null() || doc["deadlock"].is_object(),
        ),
        ("values", doc["values"].is_object()),
    ] {
        assert!(
            ok,
            "field {field} missing or of the wrong type: {}",
            doc[field]
        );
    }
    assert_eq!(
        doc.as_object().unwrap().len(),
        13,
        "exactly the contract's fields"
    );
    assert!(
        doc["knobs"]
            .as_object()
            .unwrap()
            .values()
            .all(Value::is_string)
    );
    for t in doc["tasks"].as_array().unwrap() {
        let num = |f: &str| t[f].is_number();
        assert!(t["id"].is_u64() && t["polls"].is_u64(), "{t}");
        assert!(
            t["name"].is_string()
                && t["kind"].is_string()
                && t["outcome"].is_string()
        );
        for f in [
            "spawned",
            "busy",
            "idle",
            "scheduled",
            "busy_wall",
            "longest_poll_wall",
        ] {
            assert!(num(f), "task field {f}: {t}");
        }
        assert!(t["ended"].is_number() || t["ended"].is_null());
        assert!(t["parent"].is_u64() || t["parent"].is_null());
        assert!(t["spawned_at"].is_string() || t["spawned_at"].is_null());
        assert!(t["probe"].is_boolean());
        assert!(
            ["task", "blocking", "block_on", "local"]
                .contains(&t["kind"].as_str().unwrap())
        );
        assert!(
            ["completed", "cancelled", "panicked", "ended", "running"]
                .contains(&t["outcome"].as_str().unwrap())
        );
        assert_eq!(
            t.as_object().unwrap().len(),
            15,
            "exactly the task fields: {t}"
        );
    }
    for m in doc["marks"].as_array().unwrap() {
        assert!(m["at"].is_number() && m["text"].is_string());
        assert!(m["task"].is_string() || m["task"].is_null());
    }
}

fn task<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("no task {name}"))
}

#[test]
fn json_export_of_breakfast_follows_the_contract() {
    let doc = json::to_value(&timeline("breakfast", &[]));
    check_contract(&doc);
    assert_eq!(doc["scenario"], "breakfast");
    assert_eq!(doc["clock"], "virtual");
    assert_eq!(doc["knobs"]["mode"], "together");
    assert_eq!(doc["unit_ms"], 1000.0);
    assert!(
        close(doc["duration"].as_f64().unwrap(), 3.0),
        "{}",
        doc["duration"]
    );
    assert_eq!(doc["timed_out"], false);
    assert!(doc["heartbeat"].is_null() && doc["deadlock"].is_null());
    assert_eq!(doc["leaks"], serde_json::json!([]));

    let (toast, coffee, main) = (
        task(&doc, "toast"),
        task(&doc, "coffee"),
        task(&doc, "main"),
    );
    assert_eq!(toast["outcome"], "completed");
    assert!(close(toast["ended"].as_f64().unwrap(), 2.0));
    assert!(close(coffee["ended"].as_f64().unwrap(), 3.0));
    assert!(close(coffee["idle"].as_f64().unwrap(), 3.0));
    assert!(close(coffee["spawned"].as_f64().unwrap(), 0.0));
    assert_eq!(main["kind"], "block_on");
    assert!(main["parent"].is_null());
    assert_eq!(coffee["parent"], main["id"]);
    assert!(
        coffee["spawned_at"]
            .as_str()
            .unwrap()
            .contains("breakfast.rs:")
    );
    assert_eq!(
        doc["values"]["finish_order"],
        serde_json::json!(["toast", "coffee"])
    );
    assert_eq!(doc["marks"].as_array().unwrap().len(), 4);
    assert_eq!(doc["marks"][0]["task"], "coffee");
}

#[test]
fn json_export_of_sequential_breakfast_takes_five_units() {
    let doc =
        json::to_value(&timeline("breakfast", &[("mode", "sequential")]));
    check_contract(&doc);
    assert!(
        close(doc["duration"].as_f64().unwrap(), 5.0),
        "{}",
        doc["duration"]
    );
    let toast = task(&doc, "toast");
    assert!(close(toast["spawned"].as_f64().unwrap(), 3.0));
    assert!(close(toast["ended"].as_f64().unwrap(), 5.0));
    assert_eq!(toast["outcome"], "completed");
    // to_string_pretty is the same document.
    let tl = timeline("breakfast", &[("mode", "sequential")]);
    let again: Value =
        serde_json::from_str(&json::to_string_pretty(&tl)).unwrap();
    check_contract(&again);
}

#[test]
fn json_export_reports_the_heartbeat_and_cancellations() {
    let doc = json::to_value(&timeline(
        "blocking-heartbeat",
        &[("job_ms", "20")],
    ));
    check_contract(&doc);
    let hb = &doc["heartbeat"];
    assert!(hb["ticks"].as_u64().unwrap() > 0);
    for f in ["p50_ms", "p99_ms", "max_ms"] {
        assert!(hb[f].is_number(), "{f}");
    }
    assert_eq!(task(&doc, "heartbeat")["probe"], true);

    let doc = json::to_value(&timeline("cancel-at", &[]));
    check_contract(&doc);
    assert_eq!(task(&doc, "A")["outcome"], "cancelled");
    assert_eq!(task(&doc, "C")["outcome"], "completed");
    assert!(close(doc["duration"].as_f64().unwrap(), 2.6));
}

// ---------------------------------------------------------------------------------------------
// Text

/// The text without the figures measured on the wall clock (poll lengths, heartbeat lag),
/// which vary from run to run even on the virtual clock.
fn runtime_clock_part(text: &str) -> String {
    let mut out = Vec::new();
    let mut skipping = false;
    for line in text.lines() {
        if line.starts_with("heartbeat")
            || line.contains("blocked the runtime")
        {
            skipping = true;
            continue;
        }
        if skipping && line.starts_with("  ") {
            continue; // a continuation of the skipped sentence
        }
        skipping = false;
        out.push(line);
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out.join("\n") + "\n"
}

#[test]
fn text_export_of_breakfast_fits_80_columns() {
    let tl = timeline("breakfast", &[]);
    let text = text::render(&tl, 80);
    assert_fits(&text, 80);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("breakfast — "));
    assert!(
        lines[1].contains("virtual clock")
            && lines[1].contains("1u = 1000 ms")
    );
    assert!(lines[1].contains("total 3.00u"));
    let lane = |name: &str| {
        lines
            .iter()
            .find(|l| {
                l.trim_start().starts_with(&format!("{name} "))
                    && l.contains('╷')
            })
            .unwrap_or_else(|| panic!("no lane for {name}:\n{text}"))
    };
    assert!(lane("coffee").ends_with("completed 3.00u"));
    assert!(lane("toast").ends_with("completed 2.00u"));
    // The root comes first.
    let main_at = lines.iter().position(|l| *l == *lane("main")).unwrap();
    let coffee_at =
        lines.iter().position(|l| *l == *lane("coffee")).unwrap();
    assert!(main_at < coffee_at);
    // The axis, its ticks, the legend, and the plain words.
    assert!(
        lines.iter().any(|l| l.contains("0u")
            && l.contains("1u")
            && l.contains("3u"))
    );
    assert!(lines.iter().any(|l| l.trim_start().starts_with('├')));
    assert!(
        text.contains("█ running")
            && text.contains("░ idle")
            && text.contains("✕ cancelled")
    );
    assert!(
        text.contains(
            "coffee: spawned at 0.00u, completed at 3.00u; 2 polls"
        )
    );
    assert!(text.contains("Sleep 3000 ms"));
    assert!(text.contains("2.00u toast: toast: ready"));
}

#[test]
fn text_export_of_breakfast_snapshot() {
    let tl = timeline("breakfast", &[]);
    insta::assert_snapshot!(runtime_clock_part(&text::render(&tl, 80)));
}

#[test]
fn text_export_of_cancel_at_shows_cancellations() {
    // Not a snapshot: which timer the root task is said to wait on depends on the order the
    // runner's `select!` happens to poll its branches in.
    let tl = timeline("cancel-at", &[]);
    let text = text::render(&tl, 80);
    assert_fits(&text, 80);
    let lane = |name: &str| {
        text.lines()
            .find(|l| {
                l.trim_start().starts_with(&format!("{name} "))
                    && l.contains('╷')
            })
            .unwrap_or_else(|| panic!("no lane for {name}:\n{text}"))
            .to_string()
    };
    for name in ["A", "B"] {
        let l = lane(name);
        assert!(l.ends_with("╷✕        cancelled 2.60u"), "{l}");
    }
    assert!(lane("C").ends_with("╷✓                 completed 2.00u"));
    assert!(lane("main").ends_with("╷╷✓       completed 2.60u"));
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains(
        "A: spawned at 0.00u, cancelled at 2.60u; 3 polls; idle 2.60u (2.50u on Sleep 3000 ms, \
         0.10u on Sleep 100 ms); woken by main"
    ));
    assert!(flat.contains("2.50u main: cancel!"));
    assert!(flat.contains("2.50u B: asked to stop: cleaning up"));
}

#[test]
fn text_export_respects_any_width() {
    let runs = [
        timeline("breakfast", &[]),
        timeline("breakfast", &[("mode", "sequential"), ("coffee", "20")]),
        timeline("cancel-at", &[("how", "abort")]),
        timeline("blocking-heartbeat", &[("job_ms", "20")]),
        timeline(
            "blocking-heartbeat",
            &[("mode", "spawn_blocking"), ("job_ms", "20")],
        ),
    ];
    for tl in &runs {
        for width in [40u16, 41, 57, 80, 123, 200] {
            let text = text::render(tl, width);
            assert_fits(&text, width as usize);
            assert!(
                text.contains("running"),
                "no legend at {width}:\n{text}"
            );
        }
        // Narrower than the minimum is widened to it.
        assert_fits(&text::render(tl, 0), 40);
        assert_fits(&text::render(tl, 10), 40);
    }
}

#[test]
fn text_export_warns_about_a_blocked_runtime() {
    let tl = timeline("blocking-heartbeat", &[("job_ms", "30")]);
    let text = text::render(&tl, 80);
    assert!(text.contains("heartbeat (probe, not drawn)"), "{text}");
    assert!(text.contains("lag p50"));
    assert!(
        text.contains(
            "warning: `cpu-job` blocked the runtime: one poll held its thread for"
        ),
        "{text}"
    );
    assert!(text.contains("blocking_heartbeat.rs:"));
    // The heartbeat is a probe: no lane.
    assert!(!text.lines().any(
        |l| l.trim_start().starts_with("heartbeat ") && l.contains('░')
    ));
}

// ---------------------------------------------------------------------------------------------
// A hand-made trace: a panic, a leak, a long name, a blocking task, a run cut short.

fn hand_made() -> Trace {
    let mut header = Header::new("hand-made", Clock::Paused, 1000.0);
    header.title = "Made by hand".into();
    let mut trace = Trace::empty(header);
    trace.threads = vec![
        ThreadInfo {
            idx: 0,
            name: "main".into(),
        },
        ThreadInfo {
            idx: 1,
            name: "pool".into(),
        },
    ];
    let task = |idx: u32, name: &str, kind: TaskKind| TaskInfo {
        idx,
        tokio_id: idx as u64 + 1,
        name: name.into(),
        kind,
        spawned_at: None,
        parent: (idx > 0).then_some(0),
        probe: false,
    };
    trace.tasks = vec![
        task(0, "", TaskKind::BlockOn),
        task(1, "a-task-with-a-rather-long-name", TaskKind::Task),
        task(2, "boom", TaskKind::Task),
        task(3, "crunch", TaskKind::Blocking),
    ];
    trace.strings = vec!["about to fail".into()];
    let ev = |kind, wall, thread, a, flag| {
        Event::new(kind, wall, thread, a, flag)
    };
    use EventKind::*;
    trace.events = vec![
        Event::clock_sync(0, 0),
        ev(TaskSpawn, 1, 0, 0, 0),
        ev(PollStart, 2, 0, 0, 0),
        ev(TaskSpawn, 3, 0, 1, 0),
        ev(TaskSpawn, 4, 0, 2, 0),
        ev(TaskSpawn, 5, 0, 3, 0),
        ev(PollEnd, 6, 0, 0, 0),
        ev(PollStart, 7, 0, 1, 0),
        ev(PollEnd, 8, 0, 1, 0),
        ev(PollStart, 9, 1, 3, 0),
        Event::clock_sync(10, 500_000_000),
        ev(PollStart, 11, 0, 2, 0),
        ev(Mark, 12, 0, 0, 0),
        ev(Outcome, 13, 0, 2, TaskOutcome::Panicked as u8),
        ev(PollEnd, 14, 0, 2, 0),
        ev(Outcome, 15, 1, 3, TaskOutcome::Completed as u8),
        ev(PollEnd, 16, 1, 3, 0),
        Event::clock_sync(17, 1_500_000_000),
        ev(PollStart, 18, 0, 0, 0),
        ev(RunEnd, 19, 0, 0, 0),
        ev(Outcome, 20, 0, 0, TaskOutcome::Completed as u8),
        ev(PollEnd, 21, 0, 0, 0),
    ];
    trace.validate().expect("the hand-made trace is consistent");
    trace
}

#[test]
fn text_export_shows_panics_leaks_and_long_names() {
    let tl = Timeline::from_trace(&hand_made());
    for width in [40u16, 80, 200] {
        let text = text::render(&tl, width);
        assert_fits(&text, width as usize);
        let boom = text
            .lines()
            .find(|l| l.trim_start().starts_with("boom "))
            .unwrap_or_else(|| panic!("no lane for boom:\n{text}"));
        assert!(
            boom.contains('!') && boom.contains("panicked 0.50u"),
            "{boom}"
        );
        let crunch = text
            .lines()
            .find(|l| l.trim_start().starts_with("crunch "))
            .unwrap();
        assert!(crunch.contains('▓'), "{crunch}");
        assert!(text.contains('…'), "the long name is cut:\n{text}");
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains(
            "warning: leaked: 1 task was still alive when the run finished, and nobody waited \
             for it: `a-task-with-a-rather-long-name`"
        ));
        assert!(flat.contains("0.50u boom: about to fail"));
    }
    let doc = json::to_value(&tl);
    check_contract(&doc);
    assert_eq!(task(&doc, "boom")["outcome"], "panicked");
    assert_eq!(task(&doc, "crunch")["kind"], "blocking");
    assert_eq!(
        task(&doc, "a-task-with-a-rather-long-name")["outcome"],
        "running"
    );
    assert!(
        task(&doc, "a-task-with-a-rather-long-name")["ended"].is_null()
    );
    assert_eq!(
        doc["leaks"],
        serde_json::json!(["a-task-with-a-rather-long-name"])
    );
    let chrome = chrome::to_value(&tl);
    let events = chrome["traceEvents"].as_array().unwrap();
    assert!(events.iter().any(|e| e["args"]["name"] == "blocking 1"));
}

#[test]
fn exports_of_an_empty_trace_do_not_panic() {
    let tl = Timeline::from_trace(&Trace::empty(Header::new(
        "empty",
        Clock::Real,
        1000.0,
    )));
    let text = text::render(&tl, 80);
    assert_fits(&text, 80);
    assert!(text.starts_with("empty"));
    check_contract(&json::to_value(&tl));
    assert!(chrome::to_value(&tl)["traceEvents"].is_array());

    // A nonsensical time unit (from a hand-edited file) renders something, without panicking.
    for unit_ms in [0.0, f64::NAN, f64::INFINITY, 1e-9] {
        let mut trace = hand_made();
        trace.header.unit_ms = unit_ms;
        let tl = Timeline::from_trace(&trace);
        assert_fits(&text::render(&tl, 40), 40);
        let _ = json::to_string_pretty(&tl);
        let _ = chrome::to_string(&tl);
    }
}
