//! Lessons 9–11: queues and backpressure, one end marker for two consumers, barriers, events,
//! lazy streams and pipelines. All on the paused clock, so every runtime-clock figure is exact.

use asyncscope::scenarios::{RunOptions, run};
use asyncscope::timeline::{End, TaskLine, TaskState, Timeline};
use serde_json::json;

fn timeline(id: &str, knobs: &[(&str, &str)]) -> Timeline {
    let mut options = RunOptions::virtual_time();
    for (k, v) in knobs {
        options = options.knob(k, v);
    }
    let trace = run(id, &options).expect("scenario runs");
    trace.validate().expect("trace is consistent");
    let tl = Timeline::from_trace(&trace);
    assert!(!tl.timed_out, "{id} {knobs:?} hit its time limit");
    assert!(tl.leaks().is_empty(), "{id} {knobs:?} leaked tasks");
    tl
}

fn close(actual: f64, expected: f64) -> bool {
    (actual - expected).abs() < 0.01
}

fn task<'a>(tl: &'a Timeline, name: &str) -> &'a TaskLine {
    tl.task(name).unwrap_or_else(|| panic!("no task {name}"))
}

fn ended_at(tl: &Timeline, name: &str) -> f64 {
    tl.units(task(tl, name).ended.expect("task ended").rt_ns)
}

fn total(tl: &Timeline) -> f64 {
    tl.units(tl.finish_stamp().rt_ns)
}

/// When `text` was marked on `name`'s lane, in units.
fn marked_at(tl: &Timeline, name: &str, text: &str) -> Option<f64> {
    task(tl, name)
        .marks
        .iter()
        .find(|(_, t)| t == text)
        .map(|(at, _)| tl.units(at.rt_ns))
}

fn num(v: &serde_json::Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("{v} is not a number"))
}

/// Runtime-clock units a task spent parked on a channel.
fn parked_on_channel(tl: &Timeline, name: &str) -> f64 {
    let ns: u64 = task(tl, name)
        .intervals
        .iter()
        .filter(|i| i.state == TaskState::Idle)
        .filter(|i| {
            i.waiting_on.is_some_and(|r| {
                tl.resource(r).unwrap().info.concrete_type == "channel"
            })
        })
        .map(|i| i.end.rt_ns - i.start.rt_ns)
        .sum();
    tl.units(ns)
}

// ---- queue -----------------------------------------------------------------------------------

#[test]
fn queue_parks_the_fast_producer_and_handles_every_job_once() {
    let tl = timeline("queue", &[]);
    // Backpressure: the producer waits on the full channel, and only finishes at 4u (when job
    // 9 is taken and job 12 fits), though it never sleeps.
    let parked = parked_on_channel(&tl, "producer-1");
    assert!(
        close(parked, 4.0),
        "producer parked on the queue for {parked}u"
    );
    assert!(close(ended_at(&tl, "producer-1"), 4.0));
    assert_eq!(tl.values["producers_done_at"], json!(4.0));
    // Every job handled exactly once, shared evenly by the two consumers.
    assert_eq!(tl.values["handled"], json!((1..=12).collect::<Vec<_>>()));
    for c in ["consumer-1", "consumer-2"] {
        assert_eq!(
            tl.values["handled_by"][c].as_array().unwrap().len(),
            6,
            "{c}"
        );
        assert_eq!(task(&tl, c).end, End::Completed);
        assert!(
            close(ended_at(&tl, c), 6.0),
            "{c} exits when the queue closes"
        );
    }
    // ceil(12 / 2) × 1u.
    assert!(close(total(&tl), 6.0));
    assert_eq!(tl.values["total_units"], json!(6.0));
    let took: usize = tl
        .marks
        .iter()
        .filter(|m| m.text.starts_with("took "))
        .count();
    assert_eq!(took, 12);
}

#[test]
fn queue_big_enough_for_every_job_never_parks_the_producer() {
    let tl = timeline("queue", &[("capacity", "12")]);
    assert_eq!(parked_on_channel(&tl, "producer-1"), 0.0);
    assert!(close(ended_at(&tl, "producer-1"), 0.0));
    assert_eq!(tl.values["producers_done_at"], json!(0.0));
    // The consumers are still the bottleneck.
    assert!(close(total(&tl), 6.0));
    assert_eq!(tl.values["handled"], json!((1..=12).collect::<Vec<_>>()));
}

#[test]
fn queue_total_is_ceil_of_items_over_consumers_times_work() {
    let tl = timeline("queue", &[("consumers", "3")]);
    assert!(close(total(&tl), 4.0));
    let tl = timeline("queue", &[("items", "13"), ("work", "0.5")]);
    assert!(close(total(&tl), 3.5), "ceil(13 / 2) × 0.5u");
    assert_eq!(tl.values["handled"], json!((1..=13).collect::<Vec<_>>()));
}

#[test]
fn queue_with_two_producers_parks_both_and_still_handles_each_job_once() {
    let tl = timeline("queue", &[("producers", "2")]);
    for p in ["producer-1", "producer-2"] {
        assert!(parked_on_channel(&tl, p) > 0.5, "{p} waited for room");
    }
    assert_eq!(tl.values["handled"], json!((1..=12).collect::<Vec<_>>()));
    assert!(close(total(&tl), 6.0));
}

// ---- one-sentinel ----------------------------------------------------------------------------

/// The consumer that ended with `how`, from the scenario's `ended_by` value.
fn consumer_ended_by(tl: &Timeline, how: &str) -> String {
    let ended_by = tl.values["ended_by"].as_object().unwrap();
    let (name, _) = ended_by
        .iter()
        .find(|(_, v)| *v == how)
        .unwrap_or_else(|| panic!("nobody ended by {how}: {ended_by:?}"));
    name.clone()
}

#[test]
fn one_sentinel_leaves_the_second_consumer_waiting_for_its_timeout() {
    let tl = timeline("one-sentinel", &[]);
    let first = consumer_ended_by(&tl, "end marker");
    let second = consumer_ended_by(&tl, "timeout");
    assert_ne!(first, second);
    // Four jobs of 1u for two consumers: the last job is done at 2u.
    assert!(close(ended_at(&tl, &first), 2.0));
    assert_eq!(marked_at(&tl, &first, "end marker"), Some(2.0));
    // The other one starts waiting at 2u and only its own 3u timeout ends it.
    let sec = task(&tl, &second);
    let waiting = sec.state_at(3_500_000_000).unwrap();
    assert_eq!(waiting.state, TaskState::Idle);
    assert!(close(tl.units(waiting.start.rt_ns), 2.0));
    assert!(close(ended_at(&tl, &second), 5.0));
    assert_eq!(marked_at(&tl, &second, "gave up: timeout"), Some(5.0));
    assert!(close(total(&tl), 5.0));
    assert_eq!(tl.values["total_units"], json!(5.0));
}

#[test]
fn one_sentinel_timeout_knob_moves_the_give_up() {
    let tl = timeline("one-sentinel", &[("timeout", "1")]);
    let second = consumer_ended_by(&tl, "timeout");
    assert!(close(ended_at(&tl, &second), 3.0));
    // With three jobs the end marker is taken at 1u; the other consumer's last job ends at 2u.
    let tl = timeline("one-sentinel", &[("items", "3")]);
    let first = consumer_ended_by(&tl, "end marker");
    let second = consumer_ended_by(&tl, "timeout");
    assert!(close(ended_at(&tl, &first), 1.0));
    assert!(close(ended_at(&tl, &second), 5.0));
}

#[test]
fn closing_the_channel_stops_both_consumers_right_after_the_last_job() {
    let tl = timeline("one-sentinel", &[("mode", "close")]);
    assert_eq!(
        tl.values["ended_by"],
        json!({"consumer-1": "channel closed", "consumer-2": "channel closed"})
    );
    for c in ["consumer-1", "consumer-2"] {
        assert!(close(ended_at(&tl, c), 2.0), "{c}");
        assert_eq!(marked_at(&tl, c, "channel closed"), Some(2.0));
    }
    assert!(!tl.marks.iter().any(|m| m.text.contains("timeout")));
    assert!(close(total(&tl), 2.0));
}

// ---- barrier ---------------------------------------------------------------------------------

#[test]
fn barrier_releases_everyone_with_the_last_arrival() {
    let tl = timeline("barrier", &[]);
    for (w, arrive) in
        [("worker-1", 1.0), ("worker-2", 2.0), ("worker-3", 1.5)]
    {
        assert_eq!(
            marked_at(&tl, w, "at the barrier"),
            Some(arrive),
            "{w}"
        );
        assert_eq!(tl.values["left_at"][w], json!(2.0), "{w}");
        assert_eq!(tl.values["done_at"][w], json!(2.5), "{w}");
        assert!(close(ended_at(&tl, w), 2.5), "{w}");
    }
    // Worker-1 waits on the barrier itself from 1u to 2u.
    let waiting = task(&tl, "worker-1").state_at(1_500_000_000).unwrap();
    assert_eq!(waiting.state, TaskState::Idle);
    assert!(close(tl.units(waiting.start.rt_ns), 1.0));
    assert!(close(tl.units(waiting.end.rt_ns), 2.0));
    let r = tl.resource(waiting.waiting_on.unwrap()).unwrap();
    assert!(r.info.concrete_type.contains("Barrier"), "{:?}", r.info);
    // The last to arrive opens it.
    assert_eq!(tl.values["leader"], json!("worker-2"));
    assert!(close(total(&tl), 2.5));
}

#[test]
fn barrier_waits_for_a_later_last_arrival() {
    let tl = timeline("barrier", &[("a2", "3")]);
    for w in ["worker-1", "worker-2", "worker-3"] {
        assert_eq!(tl.values["left_at"][w], json!(3.0), "{w}");
        assert_eq!(tl.values["done_at"][w], json!(3.5), "{w}");
    }
    let tl = timeline("barrier", &[("a1", "4"), ("after", "1")]);
    for w in ["worker-1", "worker-2", "worker-3"] {
        assert_eq!(tl.values["left_at"][w], json!(4.0), "{w}");
        assert_eq!(tl.values["done_at"][w], json!(5.0), "{w}");
    }
    assert_eq!(tl.values["leader"], json!("worker-1"));
}

// ---- event -----------------------------------------------------------------------------------

#[test]
fn event_releases_both_waiters_at_the_set() {
    let tl = timeline("event", &[]);
    let set = tl.marks.iter().find(|m| m.text == "set!").unwrap();
    assert!(close(tl.units(set.at.rt_ns), 2.0));
    assert_eq!(tl.values["done_at"]["waiter-1"], json!(3.0));
    assert_eq!(tl.values["done_at"]["waiter-2"], json!(4.0));
    assert!(close(ended_at(&tl, "waiter-1"), 3.0));
    assert!(close(ended_at(&tl, "waiter-2"), 4.0));
    for w in ["waiter-1", "waiter-2"] {
        assert_eq!(marked_at(&tl, w, "released"), Some(2.0), "{w}");
        // Nothing runs before the set: idle from the start until 2u.
        let before = task(&tl, w).state_at(1_000_000_000).unwrap();
        assert_eq!(before.state, TaskState::Idle);
        assert!(close(tl.units(before.end.rt_ns), 2.0));
    }
    // A watch channel stays set: the late waiter passes straight through.
    assert_eq!(marked_at(&tl, "late", "released"), Some(2.5));
    assert_eq!(tl.values["late_ended_by"], json!("event"));
    assert_eq!(tl.values["done_at"]["late"], json!(3.0));
    assert!(close(total(&tl), 4.0));
}

#[test]
fn event_set_earlier_releases_earlier() {
    let tl = timeline("event", &[("set_at", "1")]);
    assert_eq!(tl.values["done_at"]["waiter-1"], json!(2.0));
    assert_eq!(tl.values["done_at"]["waiter-2"], json!(3.0));
    assert!(close(total(&tl), 3.0));
}

#[test]
fn a_late_waiter_misses_a_bare_notify_and_waits_for_its_timeout() {
    let tl = timeline("event", &[("mode", "notify-late")]);
    // Those already waiting are woken as before.
    assert_eq!(tl.values["done_at"]["waiter-1"], json!(3.0));
    assert_eq!(tl.values["done_at"]["waiter-2"], json!(4.0));
    // The late one starts at 2.5u, after the notification, and hangs until its 2u timeout.
    assert_eq!(marked_at(&tl, "late", "starts waiting"), Some(2.5));
    assert_eq!(marked_at(&tl, "late", "released"), None);
    assert_eq!(marked_at(&tl, "late", "gave up: timeout"), Some(4.5));
    assert_eq!(tl.values["late_ended_by"], json!("timeout"));
    assert!(close(ended_at(&tl, "late"), 4.5));
    assert!(close(total(&tl), 4.5));

    let tl = timeline(
        "event",
        &[("mode", "notify-late"), ("late_timeout", "1")],
    );
    assert!(close(ended_at(&tl, "late"), 3.5));
}

// ---- stream ----------------------------------------------------------------------------------

fn order(tl: &Timeline) -> Vec<u64> {
    tl.values["output_order"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect()
}

fn fetch_marks(tl: &Timeline) -> Vec<f64> {
    tl.marks
        .iter()
        .filter(|m| m.text.starts_with("fetch page"))
        .map(|m| tl.units(m.at.rt_ns))
        .collect()
}

fn enrich_tasks(tl: &Timeline) -> usize {
    tl.tasks
        .iter()
        .filter(|t| t.info.name.starts_with("enrich-"))
        .count()
}

#[test]
fn stream_pipeline_overlaps_its_stages_and_keeps_order_with_buffered() {
    let tl = timeline("stream", &[]);
    assert_eq!(tl.values["pages_fetched"], json!(3));
    assert_eq!(tl.values["items_loaded"], json!(30));
    assert_eq!(order(&tl), (1..=30).collect::<Vec<_>>());
    assert_eq!(fetch_marks(&tl).len(), 3);
    assert_eq!(enrich_tasks(&tl), 30);
    // Never more than 3 items enriched at once, and 3 at once at some point.
    assert_eq!(tl.peak_in_flight(Some("enrich-")).0, 3);
    // Stages overlap: while page 2 (and 3) is fetched, an enrich task is still running and
    // the loader is alive, writing or waiting for its next batch.
    for at in &fetch_marks(&tl)[1..] {
        let mid = ((at + 0.25) * 1e9) as u64;
        let enriching = tl
            .tasks
            .iter()
            .filter(|t| {
                t.info.name.starts_with("enrich-") && t.alive_at(mid)
            })
            .count();
        assert!(
            enriching >= 1,
            "nothing enriched during the fetch at {at}u"
        );
        assert!(task(&tl, "loader").alive_at(mid));
    }
    // The first page: nothing can be enriched before it arrives at 0.5u.
    assert_eq!(fetch_marks(&tl)[0], 0.0);
    assert!(close(tl.units(task(&tl, "enrich-1").spawned.rt_ns), 0.5));
    // The first batch is loaded before the last page is fetched.
    let first_load = tl
        .marks
        .iter()
        .find(|m| m.text.starts_with("load "))
        .unwrap();
    assert!(tl.units(first_load.at.rt_ns) < fetch_marks(&tl)[2]);
}

#[test]
fn stream_take_fetches_only_the_pages_it_needs() {
    let tl = timeline("stream", &[("take", "5")]);
    assert_eq!(tl.values["pages_fetched"], json!(1));
    assert_eq!(tl.values["items_loaded"], json!(5));
    assert_eq!(fetch_marks(&tl).len(), 1);
    assert_eq!(enrich_tasks(&tl), 5);

    let tl = timeline("stream", &[("take", "25")]);
    assert_eq!(tl.values["pages_fetched"], json!(3));
    assert_eq!(tl.values["items_loaded"], json!(25));
    assert_eq!(order(&tl), (1..=25).collect::<Vec<_>>());

    // Exactly one page's worth: the next page is never asked for.
    let tl = timeline("stream", &[("take", "10")]);
    assert_eq!(tl.values["pages_fetched"], json!(1));
    let tl = timeline("stream", &[("take", "12"), ("page_size", "4")]);
    assert_eq!(tl.values["pages_fetched"], json!(3));
}

#[test]
fn stream_buffer_unordered_yields_in_completion_order() {
    let ordered = timeline("stream", &[]);
    let tl = timeline("stream", &[("order", "unordered")]);
    let out = order(&tl);
    let mut sorted = out.clone();
    sorted.sort_unstable();
    assert_ne!(out, sorted, "completion order differs from input order");
    assert_eq!(
        sorted,
        (1..=30).collect::<Vec<_>>(),
        "every item exactly once"
    );
    // Item 2 (0.1u) overtakes item 1 (0.3u).
    assert_eq!(out[0], 2);
    assert_eq!(tl.peak_in_flight(Some("enrich-")).0, 3);
    // No head-of-line blocking: a finished item frees its slot at once.
    assert!(
        num(&tl.values["total_units"])
            < num(&ordered.values["total_units"])
    );
}

#[test]
fn stream_concurrency_and_page_size_change_the_run() {
    let tl =
        timeline("stream", &[("concurrency", "1"), ("order", "unordered")]);
    assert_eq!(tl.peak_in_flight(Some("enrich-")).0, 1);
    assert_eq!(order(&tl), (1..=30).collect::<Vec<_>>());
    let tl = timeline("stream", &[("page_size", "5")]);
    assert_eq!(tl.values["pages_fetched"], json!(6));
    assert_eq!(fetch_marks(&tl).len(), 6);
}
