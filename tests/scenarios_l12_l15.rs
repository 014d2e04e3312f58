//! Lessons 12–15: CPU work beside a heartbeat, runtime flavors, structured
//! concurrency, graceful shutdown and the runtime tour. Runtime-clock
//! figures are asserted on the paused clock; wall figures only as lower
//! bounds on deliberately blocking polls, or with wide margins.

use asyncscope::scenarios::{RunOptions, run};
use asyncscope::timeline::{
    End, PollSpan, TaskLine, TaskState, Timeline, WakeSource,
};
use asyncscope::trace::{Clock, TaskIdx, TaskKind, ThreadIdx};
use std::collections::BTreeSet;
use std::sync::Mutex;

/// CPU-heavy runs measure wall time; keep them from competing with each
/// other for 2 cores.
static CPU_HEAVY: Mutex<()> = Mutex::new(());

fn cpu_heavy() -> std::sync::MutexGuard<'static, ()> {
    CPU_HEAVY.lock().unwrap_or_else(|e| e.into_inner())
}

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

/// The real clock with a short unit (multi_thread runtimes cannot pause
/// their clock).
fn real_timeline(id: &str, knobs: &[(&str, &str)]) -> Timeline {
    let options = RunOptions {
        unit_ms: 20.0,
        ..RunOptions::default()
    };
    run_with(id, options, knobs)
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

fn spawned_at(tl: &Timeline, name: &str) -> f64 {
    tl.units(task(tl, name).spawned.rt_ns)
}

fn total(tl: &Timeline) -> f64 {
    tl.units(tl.finish_stamp().rt_ns)
}

fn named<'a>(
    tl: &'a Timeline,
    prefix: &'a str,
) -> impl Iterator<Item = &'a TaskLine> + 'a {
    tl.tasks
        .iter()
        .filter(move |t| t.info.name.starts_with(prefix))
}

fn leak_names(tl: &Timeline) -> Vec<String> {
    let mut names: Vec<String> = tl
        .leaks()
        .iter()
        .map(|&i| tl.tasks[i as usize].info.name.clone())
        .collect();
    names.sort();
    names
}

/// The threads that polled tasks whose name starts with `prefix`.
fn threads_polling(tl: &Timeline, prefix: &str) -> BTreeSet<ThreadIdx> {
    tl.threads
        .iter()
        .filter(|th| {
            th.polls.iter().any(|(t, _)| {
                tl.tasks[*t as usize].info.name.starts_with(prefix)
            })
        })
        .map(|th| th.idx)
        .collect()
}

/// Every poll of the tasks whose name starts with `prefix`, with its task.
fn polls_of(tl: &Timeline, prefix: &str) -> Vec<(TaskIdx, PollSpan)> {
    named(tl, prefix)
        .flat_map(|t| t.polls.iter().map(move |p| (t.info.idx, *p)))
        .collect()
}

/// Two polls of different tasks that overlap in wall time.
fn overlapping_polls(
    polls: &[(TaskIdx, PollSpan)],
) -> Option<(PollSpan, PollSpan)> {
    for (i, (ta, a)) in polls.iter().enumerate() {
        for (tb, b) in &polls[i + 1..] {
            if ta != tb
                && a.start.wall_ns < b.end.wall_ns
                && b.start.wall_ns < a.end.wall_ns
            {
                return Some((*a, *b));
            }
        }
    }
    None
}

fn max_lag_ms(tl: &Timeline) -> f64 {
    tl.max_heartbeat_lag_us().expect("the heartbeat ticked") as f64 / 1000.0
}

// ---- heartbeat-cpu (lesson 12) ------------------------------------------

#[test]
fn heartbeat_cpu_inline_jobs_stall_the_heartbeat_for_a_whole_job() {
    let _one_at_a_time = cpu_heavy();
    let tl = timeline("heartbeat-cpu", &[]);
    let jobs: Vec<&TaskLine> = named(&tl, "hash-").collect();
    assert_eq!(jobs.len(), 2, "two jobs by default");
    let mut longest_ns = 0;
    for job in &jobs {
        assert_eq!(job.info.kind, TaskKind::Task);
        assert_eq!(
            job.polls.len(),
            1,
            "{}: the whole job is one poll",
            job.info.name
        );
        assert_eq!(job.end, End::Completed);
        longest_ns = longest_ns.max(job.longest_poll().unwrap().wall_ns());
    }
    // The longest poll of the whole run is one of the jobs.
    let (who, poll) = tl.longest_poll().unwrap();
    assert!(tl.tasks[who as usize].info.name.starts_with("hash-"));
    assert_eq!(poll.wall_ns(), longest_ns);
    let lag_ms = max_lag_ms(&tl);
    let job_ms = longest_ns as f64 / 1e6;
    assert!(
        lag_ms >= job_ms * 0.9,
        "heartbeat lag {lag_ms} ms should be at least the job's {job_ms} ms"
    );
    assert!(tl.tasks.iter().all(|t| t.info.kind != TaskKind::Blocking));
    // CPU work takes no time on the paused clock: 0.2u warm-up, a 0.1u gap
    // after each job, 0.1u.
    assert!(close(spawned_at(&tl, "hash-1"), 0.2));
    assert!(close(spawned_at(&tl, "hash-2"), 0.3));
    assert!(close(total(&tl), 0.5), "total {}", total(&tl));
    assert_eq!(tl.values["results"].as_array().unwrap().len(), 2);
}

#[test]
fn heartbeat_cpu_on_the_blocking_pool_keeps_the_beat() {
    let _one_at_a_time = cpu_heavy();
    let tl = timeline("heartbeat-cpu", &[("mode", "spawn_blocking")]);
    let jobs: Vec<&TaskLine> = named(&tl, "hash-").collect();
    assert_eq!(jobs.len(), 2);
    for job in &jobs {
        assert_eq!(job.info.kind, TaskKind::Blocking, "{}", job.info.name);
        assert!(
            job.intervals.iter().any(|i| i.state == TaskState::Blocking)
        );
        assert_eq!(job.end, End::Completed);
    }
    // The blocking-pool lane: a thread that ran the jobs, not the runtime
    // thread.
    let pool = threads_polling(&tl, "hash-");
    assert!(!pool.is_empty());
    for th in &pool {
        assert!(tl.threads[*th as usize].blocking_pool);
    }
    let main = tl.tasks.iter().find(|t| t.info.kind == TaskKind::BlockOn);
    let main_thread = main.unwrap().polls[0].thread;
    assert!(!pool.contains(&main_thread));
    let lag_ms = max_lag_ms(&tl);
    assert!(lag_ms < 50.0, "heartbeat lag {lag_ms} ms should stay flat");
    assert!(close(total(&tl), 0.5));
    assert!(tl.leaks().is_empty());
}

#[test]
fn heartbeat_cpu_on_rayon_keeps_the_beat_and_the_clock() {
    let _one_at_a_time = cpu_heavy();
    let tl = timeline("heartbeat-cpu", &[("mode", "rayon")]);
    let jobs: Vec<&TaskLine> = named(&tl, "hash-").collect();
    assert_eq!(jobs.len(), 2);
    for job in &jobs {
        // An async task that hands the job to rayon, then is woken with the
        // answer.
        assert_eq!(job.info.kind, TaskKind::Task);
        assert!(
            job.polls.len() >= 2,
            "{}: {} polls",
            job.info.name,
            job.polls.len()
        );
        assert!(job.marks.iter().any(|(_, m)| m == "handed to rayon"));
        let longest_ms = job.longest_poll().unwrap().wall_ns() as f64 / 1e6;
        assert!(
            longest_ms < 50.0,
            "{}: a {longest_ms} ms poll",
            job.info.name
        );
        assert_eq!(job.end, End::Completed);
    }
    // No scenario task ran on tokio's blocking pool.
    assert!(
        tl.scenario_tasks()
            .all(|t| t.info.kind != TaskKind::Blocking)
    );
    let lag_ms = max_lag_ms(&tl);
    assert!(lag_ms < 50.0, "heartbeat lag {lag_ms} ms should stay flat");
    // The paused clock did not run ahead while rayon computed.
    assert!(close(total(&tl), 0.5), "total {}", total(&tl));
    assert!(tl.leaks().is_empty());
}

#[test]
fn heartbeat_cpu_results_are_the_same_in_every_mode() {
    let _one_at_a_time = cpu_heavy();
    let knobs = [("job_ms", "20"), ("jobs", "3")];
    let results: Vec<serde_json::Value> =
        ["inline", "spawn_blocking", "rayon"]
            .iter()
            .map(|mode| {
                let mut k = knobs.to_vec();
                k.push(("mode", mode));
                timeline("heartbeat-cpu", &k).values["results"].clone()
            })
            .collect();
    let first = results[0].as_array().unwrap();
    assert_eq!(first.len(), 3);
    let distinct: BTreeSet<&str> =
        first.iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(distinct.len(), 3, "each job hashes its own input");
    assert_eq!(results[0], results[1]);
    assert_eq!(results[0], results[2]);
}

#[test]
fn heartbeat_cpu_more_jobs_mean_more_lanes_and_results() {
    let _one_at_a_time = cpu_heavy();
    let tl = timeline(
        "heartbeat-cpu",
        &[("mode", "spawn_blocking"), ("jobs", "4"), ("job_ms", "10")],
    );
    assert_eq!(named(&tl, "hash-").count(), 4);
    assert!(close(spawned_at(&tl, "hash-4"), 0.5));
    assert!(close(total(&tl), 0.7));
    assert_eq!(tl.values["results"].as_array().unwrap().len(), 4);
}

// ---- flavors (lesson 13) ------------------------------------------------

#[test]
fn flavors_io_waits_overlap_on_one_thread() {
    let tl = timeline("flavors", &[]);
    assert_eq!(tl.header.flavor, "current_thread");
    assert!(close(total(&tl), 1.0), "4 waits of 1u take 1u together");
    assert_eq!(tl.values["total_units"], serde_json::json!(1.0));
    assert_eq!(tl.peak_in_flight(Some("io-")).0, 4);
    for n in 1..=4 {
        assert!(close(ended_at(&tl, &format!("io-{n}")), 1.0));
    }
    assert_eq!(threads_polling(&tl, "io-").len(), 1, "one worker lane");
    assert_eq!(tl.values["threads_used"], serde_json::json!(1));
}

#[test]
fn flavors_cpu_on_one_thread_never_computes_two_things_at_once() {
    let _one_at_a_time = cpu_heavy();
    let tl = timeline("flavors", &[("load", "cpu")]);
    let polls = polls_of(&tl, "cpu-");
    assert_eq!(polls.len(), 4, "each CPU task is one long poll");
    assert_eq!(overlapping_polls(&polls), None);
    assert_eq!(threads_polling(&tl, "cpu-").len(), 1);
    assert_eq!(tl.values["threads_used"], serde_json::json!(1));
    // Computing takes wall time but no time on the paused clock.
    assert!(close(total(&tl), 0.0));
}

#[test]
fn flavors_cpu_on_two_workers_runs_in_parallel() {
    let _one_at_a_time = cpu_heavy();
    let tl = real_timeline(
        "flavors",
        &[
            ("runtime", "multi_thread"),
            ("load", "cpu"),
            ("workers", "2"),
        ],
    );
    assert_eq!(tl.header.flavor, "multi_thread");
    assert_eq!(tl.header.workers, 2);
    assert_eq!(tl.header.clock, Clock::Real);
    let lanes = threads_polling(&tl, "cpu-");
    assert_eq!(lanes.len(), 2, "both workers computed: {lanes:?}");
    assert_eq!(tl.values["threads_used"], serde_json::json!(2));
    let polls = polls_of(&tl, "cpu-");
    let (a, b) =
        overlapping_polls(&polls).expect("two CPU polls at the same time");
    assert_ne!(a.thread, b.thread);
    assert!(
        named(&tl, "cpu-").all(|t| t.end == End::Completed),
        "every task finished"
    );
}

#[test]
fn flavors_one_worker_is_no_parallelism() {
    let _one_at_a_time = cpu_heavy();
    let tl = real_timeline(
        "flavors",
        &[
            ("runtime", "multi_thread"),
            ("load", "cpu"),
            ("workers", "1"),
        ],
    );
    assert_eq!(tl.header.workers, 1);
    assert_eq!(overlapping_polls(&polls_of(&tl, "cpu-")), None);
    assert_eq!(threads_polling(&tl, "cpu-").len(), 1);
}

#[test]
fn flavors_more_io_tasks_still_take_one_unit() {
    let tl = timeline("flavors", &[("tasks", "10")]);
    assert_eq!(named(&tl, "io-").count(), 10);
    assert_eq!(tl.peak_in_flight(Some("io-")).0, 10);
    assert!(close(total(&tl), 1.0));
}

// ---- leak (lesson 14) ---------------------------------------------------

#[test]
fn leak_forgotten_children_outlive_their_parent() {
    let tl = timeline("leak", &[]);
    assert_eq!(leak_names(&tl), ["child-1", "child-2", "child-3"]);
    assert!(close(ended_at(&tl, "parent"), 1.0));
    assert_eq!(task(&tl, "parent").end, End::Completed);
    assert!(
        close(total(&tl), 1.0),
        "main returns right after the parent"
    );
    for n in 1..=3 {
        let child = task(&tl, &format!("child-{n}"));
        // Still mid-sleep when main returned; the runtime's shutdown
        // dropped them.
        assert!(child.ended.unwrap().wall_ns > tl.finish_stamp().wall_ns);
        assert_eq!(child.end, End::Cancelled);
    }
    assert_eq!(tl.values["children_finished"], serde_json::json!(0));
}

#[test]
fn leak_joinset_parent_waits_for_its_children() {
    let tl = timeline("leak", &[("mode", "joinset")]);
    assert!(tl.leaks().is_empty(), "leaked: {:?}", leak_names(&tl));
    for n in 1..=3 {
        let name = format!("child-{n}");
        assert_eq!(task(&tl, &name).end, End::Completed);
        assert!(close(ended_at(&tl, &name), 3.0));
    }
    assert!(
        close(ended_at(&tl, "parent"), 3.0),
        "the parent waits for them"
    );
    assert!(close(total(&tl), 3.0));
    assert_eq!(tl.values["children_finished"], serde_json::json!(3));
}

#[test]
fn leak_tracker_lets_the_parent_return_but_main_waits() {
    let tl = timeline("leak", &[("mode", "tracker")]);
    assert!(tl.leaks().is_empty(), "leaked: {:?}", leak_names(&tl));
    assert!(
        close(ended_at(&tl, "parent"), 1.0),
        "the parent returns early"
    );
    for n in 1..=3 {
        let name = format!("child-{n}");
        assert_eq!(task(&tl, &name).end, End::Completed);
        assert!(close(ended_at(&tl, &name), 3.0));
    }
    assert!(close(total(&tl), 3.0), "main waits on the tracker");
    assert_eq!(tl.values["children_finished"], serde_json::json!(3));
}

#[test]
fn leak_more_children_more_leaks() {
    let tl = timeline("leak", &[("children", "5")]);
    assert_eq!(tl.leaks().len(), 5);
    let tl = timeline("leak", &[("children", "5"), ("mode", "joinset")]);
    assert!(tl.leaks().is_empty());
    assert_eq!(named(&tl, "child-").count(), 5);
}

// ---- shutdown (lesson 14) -----------------------------------------------

fn requests(tl: &Timeline) -> Vec<&TaskLine> {
    named(tl, "request-").collect()
}

#[test]
fn shutdown_drains_in_flight_requests_within_the_deadline() {
    let tl = timeline("shutdown", &[]);
    let reqs = requests(&tl);
    assert_eq!(reqs.len(), 6, "requests at 0.3u, 0.6u … 1.8u");
    for r in &reqs {
        assert_eq!(r.end, End::Completed, "{}", r.info.name);
        assert!(
            tl.units(r.spawned.rt_ns) <= 2.0,
            "nothing accepted after the signal"
        );
    }
    assert!(close(spawned_at(&tl, "request-6"), 1.8));
    assert!(
        close(ended_at(&tl, "acceptor"), 2.0),
        "stops accepting at the signal"
    );
    let signal = tl
        .marks
        .iter()
        .find(|m| m.text.starts_with("Ctrl-C"))
        .unwrap();
    assert!(close(tl.units(signal.at.rt_ns), 2.0));
    assert!(close(ended_at(&tl, "request-6"), 2.8));
    assert!(close(total(&tl), 2.8), "drained before the 3.5u deadline");
    assert!(tl.leaks().is_empty());
    assert_eq!(tl.values["accepted"], serde_json::json!(6));
    assert_eq!(tl.values["in_flight_at_signal"], serde_json::json!(3));
    assert_eq!(tl.values["finished"], serde_json::json!(6));
    assert_eq!(tl.values["cancelled_at_deadline"], serde_json::json!(0));
    assert_eq!(tl.values["drain_units"], serde_json::json!(0.8));
}

#[test]
fn shutdown_cancels_what_the_deadline_cuts_off() {
    let tl = timeline("shutdown", &[("job", "3"), ("deadline", "1")]);
    let reqs = requests(&tl);
    assert_eq!(reqs.len(), 6);
    for r in &reqs {
        assert!(tl.units(r.spawned.rt_ns) <= 2.0);
        // The first would finish at 3.3u: every one is still running at 2u
        // + 1u.
        assert_eq!(r.end, End::Cancelled, "{}", r.info.name);
        assert!(close(tl.units(r.ended.unwrap().rt_ns), 3.0));
    }
    assert!(tl.leaks().is_empty());
    assert!(close(total(&tl), 3.0));
    assert_eq!(tl.values["cancelled_at_deadline"], serde_json::json!(6));
    assert_eq!(tl.values["finished"], serde_json::json!(0));
    assert_eq!(tl.values["drain_units"], serde_json::json!(1.0));
}

#[test]
fn shutdown_longer_deadline_lets_some_finish() {
    let tl = timeline("shutdown", &[("job", "3"), ("deadline", "2")]);
    for (n, end) in [(1, 3.3), (2, 3.6), (3, 3.9)] {
        let name = format!("request-{n}");
        assert_eq!(task(&tl, &name).end, End::Completed);
        assert!(close(ended_at(&tl, &name), end));
    }
    for n in 4..=6 {
        let name = format!("request-{n}");
        assert_eq!(task(&tl, &name).end, End::Cancelled);
        assert!(close(ended_at(&tl, &name), 4.0));
    }
    assert!(tl.leaks().is_empty());
    assert_eq!(tl.values["finished"], serde_json::json!(3));
    assert_eq!(tl.values["cancelled_at_deadline"], serde_json::json!(3));
}

#[test]
fn shutdown_earlier_signal_accepts_fewer() {
    let tl = timeline("shutdown", &[("signal_at", "1")]);
    assert_eq!(requests(&tl).len(), 3);
    assert_eq!(tl.values["accepted"], serde_json::json!(3));
    assert!(close(ended_at(&tl, "acceptor"), 1.0));
    assert!(
        close(total(&tl), 1.9),
        "request-3 (0.9u + 1u) is the last to finish"
    );
}

// ---- runtime-tour (lesson 15) -------------------------------------------

#[test]
fn runtime_tour_shows_each_kind_of_task() {
    let _one_at_a_time = cpu_heavy();
    let tl = timeline("runtime-tour", &[]);
    // The hog blocked the loop: its poll is the longest, and the heartbeat
    // felt it.
    let (who, poll) = tl.longest_poll().unwrap();
    assert_eq!(tl.tasks[who as usize].info.name, "hog");
    let lag_ms = max_lag_ms(&tl);
    let hog_ms = poll.wall_ns() as f64 / 1e6;
    assert!(
        lag_ms >= hog_ms * 0.9,
        "lag {lag_ms} ms vs hog's {hog_ms} ms poll"
    );

    // chatty is woken most, and by pinger.
    let chatty = task(&tl, "chatty");
    let most = tl.scenario_tasks().max_by_key(|t| t.wakes.len()).unwrap();
    assert_eq!(most.info.name, "chatty");
    let pinger = task(&tl, "pinger").info.idx;
    let by_pinger = chatty
        .wakes
        .iter()
        .filter(|w| w.source == WakeSource::Task(pinger))
        .count();
    assert!(by_pinger >= 50, "{by_pinger} wakes from pinger");
    assert_eq!(tl.values["received"], serde_json::json!(50));

    // yielder: a poll per slice, each yield a wake that tokio defers to its
    // scheduler.
    let yielder = task(&tl, "yielder");
    assert!(yielder.polls.len() > 30, "{} polls", yielder.polls.len());
    let deferred = yielder
        .wakes
        .iter()
        .filter(|w| w.source == WakeSource::Runtime)
        .count();
    assert!(deferred >= 30, "{deferred} wakes from the runtime");
    assert!(yielder.longest_poll().unwrap().wall_ns() < poll.wall_ns());

    // sleeper: idle almost all its life.
    let sleeper = task(&tl, "sleeper");
    let life = sleeper.ended.unwrap().rt_ns - sleeper.spawned.rt_ns;
    assert!(close(tl.units(life), 1.0));
    assert!(sleeper.idle_ns() as f64 >= 0.99 * life as f64);
    assert_eq!(sleeper.polls.len(), 2);
    assert!(tl.leaks().is_empty());
}

#[test]
fn runtime_tour_knobs_change_pings_and_slices() {
    let _one_at_a_time = cpu_heavy();
    let tl = timeline("runtime-tour", &[("pings", "80"), ("yields", "60")]);
    assert_eq!(tl.values["received"], serde_json::json!(80));
    let pinger = task(&tl, "pinger").info.idx;
    let by_pinger = task(&tl, "chatty")
        .wakes
        .iter()
        .filter(|w| w.source == WakeSource::Task(pinger))
        .count();
    assert!(by_pinger >= 80);
    assert!(
        close(ended_at(&tl, "pinger"), 1.6),
        "80 pings, one every 0.02u"
    );
    assert!(task(&tl, "yielder").polls.len() > 60);
}
