//! The Python track: asyncio programs written for these tests (`tests/python/`) run under
//! `asyncscope py`'s recorder, and their timelines checked like a tokio run's.
//!
//! Runs are on the virtual clock, so times are exact: nothing here depends on how fast the
//! machine is. The only wall-clock facts checked are lower bounds (a `time.sleep(0.2)` step
//! lasts at least 0.2 s). These tests need `python3` (3.9 or newer) on PATH, and fail without it;
//! `ASYNCSCOPE_TEST_PYTHON=PATH` runs the recorded programs with another interpreter.

mod binary;

use asyncscope::python::{self, Ending, Interpreter, Options, Run};
use asyncscope::timeline::{
    End, TaskLine, TaskState, Timeline, WakeSource, WakeVia,
};
use asyncscope::trace::TaskKind;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn interpreter() -> Interpreter {
    let asked =
        std::env::var_os("ASYNCSCOPE_TEST_PYTHON").map(PathBuf::from);
    python::find_python(asked.as_deref()).unwrap_or_else(|e| {
        panic!("the Python track's tests need python3 3.9 or newer on PATH: {e}")
    })
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/python")
        .join(name)
}

/// A run and everything it printed.
struct Recorded {
    run: Run,
    output: String,
}

fn record_with(name: &str, args: &[&str], options: Options) -> Recorded {
    let printed = Arc::new(Mutex::new(String::new()));
    let sink = printed.clone();
    let options = Options {
        args: args.iter().map(Into::into).collect(),
        ..options
    };
    let run = python::run(
        &interpreter(),
        &fixture(name),
        &options,
        Arc::new(move |line: &str| sink.lock().unwrap().push_str(line)),
    );
    let output = printed.lock().unwrap().clone();
    Recorded { run, output }
}

fn virtual_options() -> Options {
    Options {
        virtual_time: true,
        ..Options::default()
    }
}

/// Runs a fixture on the virtual clock; it must run to its end.
fn timeline(name: &str, args: &[&str]) -> Timeline {
    let r = record_with(name, args, virtual_options());
    assert_eq!(r.run.ending, Ending::Returned, "{name}: {}", r.output);
    assert!(r.run.loop_ran);
    let trace = r.run.trace.expect("a trace came back");
    trace.validate().expect("the trace is whole");
    Timeline::from_trace(&trace)
}

/// A runtime-clock time in units, rounded to the ns it was recorded in.
fn u(tl: &Timeline, rt_ns: u64) -> f64 {
    (tl.units(rt_ns) * 1e6).round() / 1e6
}

fn total(tl: &Timeline) -> f64 {
    u(tl, tl.finish_stamp().rt_ns)
}

fn task<'a>(tl: &'a Timeline, name: &str) -> &'a TaskLine {
    tl.task(name)
        .unwrap_or_else(|| panic!("no task {name}: {:?}", names(tl)))
}

fn names(tl: &Timeline) -> Vec<String> {
    tl.tasks.iter().map(|t| t.info.name.clone()).collect()
}

fn ended_at(tl: &Timeline, t: &TaskLine) -> f64 {
    u(tl, t.ended.expect("the task ended").rt_ns)
}

/// What a task waited on, in words, over its idle spells.
fn waited_on(tl: &Timeline, t: &TaskLine) -> Vec<String> {
    t.intervals
        .iter()
        .filter(|iv| iv.state == TaskState::Idle)
        .filter_map(|iv| iv.waiting_on)
        .filter_map(|r| tl.resource(r))
        .map(|r| r.info.describe())
        .collect()
}

#[test]
fn breakfast_together_takes_as_long_as_the_coffee() {
    let tl = timeline("breakfast.py", &["together"]);
    assert_eq!(tl.header.runtime.as_deref(), Some("asyncio"));
    assert_eq!(total(&tl), 3.0);
    let (coffee, toast) = (task(&tl, "coffee"), task(&tl, "toast"));
    assert_eq!((coffee.end, toast.end), (End::Completed, End::Completed));
    assert_eq!(ended_at(&tl, toast), 2.0);
    assert_eq!(ended_at(&tl, coffee), 3.0);
    assert_eq!(waited_on(&tl, coffee), ["Sleep 3000 ms"]);
    let woken: Vec<_> =
        coffee.wakes.iter().map(|w| (w.source, w.via)).collect();
    assert_eq!(woken, [(WakeSource::Runtime, Some(WakeVia::Timer))]);
    let main_woken: Vec<_> =
        tl.tasks[0].wakes.iter().map(|w| w.source).collect();
    assert_eq!(main_woken, [WakeSource::Task(coffee.info.idx)]);
    // The root is asyncio.run's task, drawn as the program's main.
    let main = &tl.tasks[0];
    assert_eq!(main.info.kind, TaskKind::BlockOn);
    assert_eq!(main.label(), "main");
    assert_eq!(coffee.info.parent, Some(0));
    let at = coffee.info.spawned_at.as_ref().expect("where it was made");
    assert!(at.file.ends_with("breakfast.py") && at.line == 21, "{at}");
    assert_eq!(tl.values["served"], json!(["coffee", "toast"]));
    let marks: Vec<(f64, &str)> = coffee
        .marks
        .iter()
        .map(|(at, m)| (u(&tl, at.rt_ns), m.as_str()))
        .collect();
    assert_eq!(marks, [(0.0, "start coffee"), (3.0, "coffee ready")]);
}

#[test]
fn breakfast_one_after_another_takes_the_sum() {
    let tl = timeline("breakfast.py", &["sequential"]);
    assert_eq!(total(&tl), 5.0);
    // Awaited coroutines are not tasks: only main runs.
    assert_eq!(names(&tl), ["main"]);
    assert_eq!(tl.values["served"], json!(["coffee", "toast"]));
}

#[test]
fn three_fetches_together_take_as_long_as_the_slowest() {
    let tl = timeline("fetch_three.py", &["concurrent"]);
    assert_eq!(total(&tl), 2.0);
    let fetches: Vec<&TaskLine> = tl
        .scenario_tasks()
        .filter(|t| t.info.name.starts_with("fetch #"))
        .collect();
    let ends: Vec<f64> = fetches.iter().map(|t| ended_at(&tl, t)).collect();
    assert_eq!(ends, [2.0, 1.5, 0.5], "Database, API, Cache");
    assert!(fetches.iter().all(|t| t.end == End::Completed));
    assert_eq!(tl.peak_in_flight(Some("fetch")).0, 3);
    assert_eq!(tl.values["finished"], json!(["Cache", "API", "Database"]));
    assert_eq!(
        tl.values["results"],
        json!(["Database data", "API data", "Cache data"])
    );
    assert_eq!(waited_on(&tl, &tl.tasks[0]), ["gather of 3"]);
}

#[test]
fn three_fetches_one_after_another_take_the_sum() {
    let tl = timeline("fetch_three.py", &["sequential"]);
    assert_eq!(total(&tl), 4.0);
    assert_eq!(tl.values["finished"], json!(["Database", "API", "Cache"]));
}

#[test]
fn wait_for_cancels_at_its_deadline() {
    let tl = timeline("cancel_at.py", &[]);
    // 2.5u (timeout) + 1.5u (timeout) + 3u (in time).
    assert_eq!(total(&tl), 7.0);
    assert_eq!(
        tl.values["outcomes"],
        json!(["timeout", "timeout", "success"])
    );
    let cancelled: Vec<f64> = tl
        .marks
        .iter()
        .filter(|m| m.text == "call cancelled")
        .map(|m| u(&tl, m.at.rt_ns))
        .collect();
    assert_eq!(cancelled, [2.5, 4.0]);
    let timers: Vec<String> = tl
        .resources
        .iter()
        .filter(|r| r.info.concrete_type == "Timeout")
        .map(|r| r.info.describe())
        .collect();
    assert_eq!(
        timers,
        ["Timeout 2500 ms", "Timeout 1500 ms", "Timeout 4000 ms"]
    );
    if interpreter().version < (3, 12) {
        // Before 3.12, wait_for runs the call as a task of its own.
        let calls: Vec<End> = tl
            .scenario_tasks()
            .filter(|t| t.info.name.starts_with("call #"))
            .map(|t| t.end)
            .collect();
        assert_eq!(calls, [End::Cancelled, End::Cancelled, End::Completed]);
    }
}

#[test]
fn a_semaphore_of_three_keeps_three_jobs_in_flight() {
    let tl = timeline("semaphore.py", &[]);
    // 10 jobs of 0.5u, 3 at a time: 4 waves.
    assert_eq!(total(&tl), 2.0);
    assert_eq!(tl.peak_in_flight(Some("op-")).0, 3);
    let ops: Vec<&TaskLine> = tl
        .scenario_tasks()
        .filter(|t| t.info.name.starts_with("op-"))
        .collect();
    assert_eq!(ops.len(), 10);
    assert!(ops.iter().all(|t| t.end == End::Completed));
    let waves: Vec<f64> =
        ops.iter().map(|t| u(&tl, t.spawned.rt_ns)).collect();
    assert_eq!(waves, [0.0, 0.0, 0.0, 0.5, 0.5, 0.5, 1.0, 1.0, 1.0, 1.5]);
    assert!(
        waited_on(&tl, &tl.tasks[0])
            .contains(&"Semaphore of 3".to_string()),
        "{:?}",
        waited_on(&tl, &tl.tasks[0])
    );
}

#[test]
fn without_a_lock_an_update_is_lost() {
    let tl = timeline("lost_update.py", &["unsafe"]);
    assert_eq!(tl.values["counter"], json!(1));
    // Every task read 0, waited alongside the others, and wrote 1.
    assert_eq!(total(&tl), 0.125);
    assert_eq!(tl.peak_in_flight(Some("increment")).0, 100);
}

#[test]
fn with_a_lock_every_update_counts() {
    let tl = timeline("lost_update.py", &["lock"]);
    assert_eq!(tl.values["counter"], json!(100));
    // One task at a time holds the lock across its wait: 100 × 0.125u.
    assert_eq!(total(&tl), 12.5);
    let lock = tl
        .resources
        .iter()
        .find(|r| r.info.concrete_type == "Lock")
        .expect("the lock is a resource");
    let holders: Vec<_> =
        lock.holders.iter().filter_map(|(_, t)| *t).collect();
    assert_eq!(holders.len(), 100);
    let mut distinct = holders.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), 100, "each task held it once");
    let last = task(&tl, "increment #101");
    assert!(waited_on(&tl, last).iter().any(|w| w.starts_with("Lock (")));
    assert_eq!(ended_at(&tl, last), 12.5);
}

#[test]
fn a_full_queue_parks_its_producer() {
    let tl = timeline("producer_consumer.py", &[]);
    assert_eq!(total(&tl), 6.0);
    assert_eq!(tl.values["handled"], json!([0, 1, 2, 3, 4, 5]));
    let producer = task(&tl, "producer");
    assert_eq!(producer.end, End::Completed);
    // Parked on each put after the first two: items 2 to 5 and the sentinel.
    let parked = waited_on(&tl, producer);
    assert_eq!(parked, ["Queue (producer_consumer.py:23) (capacity 2)"; 5]);
    // Parked until the consumer's 4th item made room for the sentinel: 6 items, 2 fit at once.
    assert_eq!(ended_at(&tl, producer), 4.0);
    assert_eq!(ended_at(&tl, task(&tl, "consumer")), 6.0);
    let consumer = task(&tl, "consumer");
    assert!(
        waited_on(&tl, consumer)
            .iter()
            .any(|w| w.starts_with("Sleep"))
    );
}

#[test]
fn time_sleep_in_a_task_is_one_long_poll() {
    let tl = timeline("blocking.py", &[]);
    // The virtual clock does not move while the loop is blocked.
    assert_eq!(total(&tl), 0.5);
    let (who, poll) = tl.longest_poll().expect("polls");
    assert_eq!(tl.tasks[who as usize].info.name, "blocker");
    assert!(poll.wall_ns() >= 200_000_000, "{} ns", poll.wall_ns());
    assert_eq!(u(&tl, poll.start.rt_ns), 0.15);
    // Nothing else ran during that poll.
    let others = tl
        .tasks
        .iter()
        .filter(|t| t.info.idx != who)
        .flat_map(|t| &t.polls)
        .filter(|p| {
            p.start.wall_ns > poll.start.wall_ns
                && p.start.wall_ns < poll.end.wall_ns
        })
        .count();
    assert_eq!(others, 0);
}

#[test]
fn to_thread_work_is_a_blocking_lane() {
    let tl = timeline("to_thread.py", &[]);
    assert_eq!(total(&tl), 0.5);
    let work = task(&tl, "slow_hash");
    assert_eq!(work.info.kind, TaskKind::Blocking);
    assert_eq!(work.end, End::Completed);
    assert_eq!(work.polls.len(), 1);
    assert!(work.polls[0].wall_ns() >= 200_000_000);
    assert!(
        work.intervals
            .iter()
            .any(|iv| iv.state == TaskState::Blocking)
    );
    let thread = &tl.threads[work.polls[0].thread as usize];
    assert_eq!(thread.name, "blocking 1");
    assert!(thread.blocking_pool);
    let offload = task(&tl, "offload");
    assert_eq!(work.info.parent, Some(offload.info.idx));
    // Woken when the thread handed its result back (call_soon_threadsafe).
    let woken: Vec<_> =
        offload.wakes.iter().map(|w| (w.source, w.via)).collect();
    assert_eq!(woken, [(WakeSource::Runtime, Some(WakeVia::Thread))]);
    assert_eq!(waited_on(&tl, offload), ["slow_hash in a thread"]);
    assert_eq!(tl.values["digest"].as_str().map(str::len), Some(8));
}

// ---- bad input ------------------------------------------------------------------------------

#[test]
fn a_syntax_error_is_named_with_its_line() {
    let r = record_with("syntax_error.py", &[], virtual_options());
    match &r.run.ending {
        Ending::SyntaxError { line, .. } => assert_eq!(*line, Some(4)),
        other => panic!("{other:?}"),
    }
    assert!(r.output.contains("SyntaxError"), "{}", r.output);
    let said = r.run.sentences("syntax_error.py", true).join("\n");
    assert!(said.contains("has a syntax error on line 4"), "{said}");
    assert!(r.run.trace.is_some_and(|t| t.tasks.is_empty()));
}

#[test]
fn a_program_that_never_starts_a_loop_is_told_so() {
    let r = record_with("no_loop.py", &[], virtual_options());
    assert_eq!(r.run.ending, Ending::Returned);
    assert!(!r.run.loop_ran);
    assert!(!r.run.succeeded());
    assert!(r.output.contains("done without asyncio.run"));
    let said = r.run.sentences("no_loop.py", true).join("\n");
    assert!(said.contains("never ran an asyncio event loop"), "{said}");
}

#[test]
fn a_crash_mid_run_keeps_the_run_up_to_it() {
    let r = record_with("crash.py", &[], virtual_options());
    assert_eq!(
        r.run.ending,
        Ending::Raised {
            kind: "ValueError".into(),
            message: "the service answered 500".into()
        }
    );
    assert!(
        r.output.contains("Traceback") && r.output.contains("crash.py")
    );
    let tl = Timeline::from_trace(r.run.trace.as_ref().unwrap());
    let flaky = task(&tl, "flaky");
    assert_eq!(flaky.end, End::Panicked);
    assert_eq!(ended_at(&tl, flaky), 1.0);
    assert_eq!(total(&tl), 1.0);
    // asyncio.run cancels what is left after the program's end: a leak, as in tokio.
    let steady = task(&tl, "steady");
    assert_eq!(steady.end, End::Cancelled);
    assert_eq!(tl.leaks(), [steady.info.idx]);
    let said = r.run.sentences("crash.py", true).join("\n");
    assert!(
        said.contains("raised ValueError: the service answered 500"),
        "{said}"
    );
}

#[test]
fn sys_exit_is_reported_with_its_code() {
    let r = record_with("exits.py", &[], virtual_options());
    assert_eq!(r.run.ending, Ending::Exited(3));
    assert!(!r.run.succeeded());
    let tl = Timeline::from_trace(r.run.trace.as_ref().unwrap());
    assert_eq!(total(&tl), 1.0);
    let said = r.run.sentences("exits.py", true).join("\n");
    assert!(said.contains("called sys.exit(3)"), "{said}");
}

#[test]
fn a_deadlock_stops_at_the_time_limit_with_its_cycle_named() {
    let options = Options {
        time_limit: Duration::from_secs(5),
        ..virtual_options()
    };
    let r = record_with("deadlock.py", &[], options);
    assert_eq!(r.run.ending, Ending::TimeLimit(Duration::from_secs(5)));
    let tl = Timeline::from_trace(r.run.trace.as_ref().unwrap());
    assert!(tl.timed_out);
    assert_eq!(total(&tl), 5.0);
    let deadlock = tl.deadlock().expect("a deadlock");
    let said = tl.describe_deadlock(&deadlock);
    assert!(said.starts_with("deadlock: "), "{said}");
    assert!(
        said.contains("`left`") && said.contains("`right`"),
        "{said}"
    );
    assert_eq!(deadlock.cycle.len(), 2);
    // After the limit, asyncio.run's clean-up cancels them.
    assert_eq!(task(&tl, "left").end, End::Cancelled);
    let sentences = r.run.sentences("deadlock.py", true).join("\n");
    assert!(
        sentences.contains("did not finish within its time limit of 5 s")
    );
}

#[test]
fn a_loop_that_never_yields_is_stopped_at_the_time_limit() {
    let options = Options {
        time_limit: Duration::from_secs(1),
        ..Options::default()
    };
    let r = record_with("spin.py", &[], options);
    assert_eq!(r.run.ending, Ending::TimeLimit(Duration::from_secs(1)));
    let tl =
        Timeline::from_trace(r.run.trace.as_ref().expect("the run so far"));
    assert!(tl.timed_out);
    // main's last poll never ended: it is still running at the end of the trace.
    assert_eq!(tl.tasks[0].end, End::Running);
}

#[test]
fn learner_text_has_its_control_characters_shown() {
    let r = record_with("noisy.py", &[], virtual_options());
    let args = record_with("breakfast.py", &["\x1b[2J"], virtual_options());
    let header = &args.run.trace.as_ref().unwrap().header;
    assert_eq!(header.knobs["args"], "\\x1b[2J");
    assert_eq!(r.run.ending, Ending::Returned);
    assert!(
        r.output.contains("clear \\x1b[2J bell \\x07 done"),
        "{}",
        r.output
    );
    assert!(!r.output.contains('\x1b') && !r.output.contains('\x07'));
    let trace = r.run.trace.unwrap();
    assert!(trace.tasks.iter().any(|t| t.name == "evil \\x1b[31m"));
    assert!(trace.strings.iter().any(|s| s == "mark \\x1b]0;title\\x07"));
}

#[test]
fn an_output_flood_is_stopped() {
    let r = record_with("noisy.py", &["flood"], virtual_options());
    assert_eq!(r.run.ending, Ending::OutputFlood(python::OUTPUT_FLOOD));
    let said = r.run.sentences("noisy.py", true).join("\n");
    assert!(said.contains("printed more than 4 MiB"), "{said}");
    assert!(r.output.len() <= python::OUTPUT_FLOOD + (64 << 10) * 8);
}

#[test]
fn a_loop_policy_of_its_own_is_named() {
    let r = record_with("foreign_policy.py", &[], virtual_options());
    assert_eq!(r.run.foreign_policy.as_deref(), Some("__main__.Policy"));
    assert!(!r.run.loop_ran);
    let said = r.run.sentences("foreign_policy.py", true).join("\n");
    assert!(
        said.contains("set its own event loop policy (__main__.Policy)"),
        "{said}"
    );
}

#[test]
fn a_missing_or_old_python_is_named_with_what_to_install() {
    let missing =
        python::find_python(Some(Path::new("/nonexistent/python3")))
            .unwrap_err();
    let said = missing.to_string();
    assert!(
        said.contains("/nonexistent/python3 does not exist"),
        "{said}"
    );
    assert!(said.contains("install Python 3.9 or newer"), "{said}");

    // A stand-in that answers the version question as Python 3.8 would.
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("python3.8");
    std::fs::write(
        &old,
        "#!/bin/sh\necho '3.8 3.8.18'\necho /usr/bin/python3.8\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o755))
        .unwrap();
    let said = python::find_python(Some(&old)).unwrap_err().to_string();
    assert!(
        said.contains(
            "is Python 3.8.18, and asyncscope needs 3.9 or newer"
        ),
        "{said}"
    );
}

// ---- the command ----------------------------------------------------------------------------

fn py(args: &[&str]) -> std::process::Output {
    binary::run_with_input(&[&["py"], args].concat(), "")
}

#[test]
fn the_command_exports_and_saves_a_trace_that_loads_again() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("breakfast.jsonl");
    let out = py(&[
        "tests/python/breakfast.py",
        "--virtual-time",
        "--format",
        "json",
        "--save-trace",
        saved.to_str().unwrap(),
        "--",
        "sequential",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("JSON");
    let text = summary.to_string();
    assert!(text.contains("breakfast.py"), "{text}");

    // The saved trace is an ordinary one: `run --load` (as `--open`) reads it.
    let saved_trace = asyncscope::trace::jsonl::load(&saved)
        .expect("the saved trace loads");
    assert_eq!(saved_trace.header.runtime.as_deref(), Some("asyncio"));
    assert_eq!(
        saved_trace.header.version,
        asyncscope::trace::FORMAT_VERSION
    );
    let loaded = binary::run_with_input(
        &["run", "--load", saved.to_str().unwrap()],
        "",
    );
    assert!(loaded.status.success());
    let shown = String::from_utf8_lossy(&loaded.stdout);
    assert!(shown.contains("total 5.00u"), "{shown}");
    let chrome = py(&[
        "tests/python/breakfast.py",
        "--virtual-time",
        "--format",
        "chrome",
    ]);
    assert!(chrome.status.success());
    serde_json::from_slice::<serde_json::Value>(&chrome.stdout)
        .expect("a Chrome trace");
}

#[test]
fn the_command_says_what_went_wrong() {
    let out = py(&["tests/python/syntax_error.py"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("error: tests/python/syntax_error.py has a syntax error on line 4"), "{err}");

    let out = py(&[
        "tests/python/breakfast.py",
        "--python",
        "/nonexistent/python3",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("install Python 3.9 or newer")
    );

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_asyncscope"))
        .args(["py", "tests/python/breakfast.py"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("PATH", "/nonexistent")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("python3 was not found on PATH"), "{err}");

    let out = py(&["tests/python/missing.py"]);
    assert_eq!(out.status.code(), Some(2));

    let out = py(&["tests/python/crash.py", "--virtual-time"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("raised ValueError"), "{err}");
    // The timeline up to the crash is still printed.
    assert!(String::from_utf8_lossy(&out.stdout).contains("flaky"));
}

#[test]
fn the_other_primitives_are_named_as_waits() {
    let tl = timeline("primitives.py", &[]);
    let main = &tl.tasks[0];
    let spans: Vec<(f64, f64, String)> = main
        .intervals
        .iter()
        .filter(|iv| iv.state == TaskState::Idle)
        .filter_map(|iv| {
            let r = tl.resource(iv.waiting_on?)?;
            Some((
                u(&tl, iv.start.rt_ns),
                u(&tl, iv.end.rt_ns),
                r.info.describe(),
            ))
        })
        .collect();
    let mut expected = vec![
        (0.0, 1.0, "Sleep 1000 ms".to_string()),
        (1.0, 2.0, "Event (primitives.py:35)".into()),
        (2.0, 3.0, "wait for 2".into()),
        (3.0, 3.5, "shield".into()),
    ];
    let modern = interpreter().version >= (3, 11);
    if modern {
        expected.extend([
            (3.5, 5.5, "gather of 3".into()),
            (5.5, 7.5, "TaskGroup".into()),
            (7.5, 8.0, "Sleep 10000 ms".into()),
        ]);
    }
    assert_eq!(spans, expected);
    let condition = task(&tl, "condition");
    assert_eq!(waited_on(&tl, condition), ["Condition (primitives.py:26)"]);
    assert_eq!(ended_at(&tl, condition), 1.0);
    let slow = task(&tl, "slow");
    assert_eq!((slow.end, ended_at(&tl, slow)), (End::Cancelled, 3.0));
    // Its start and the step that took the cancellation: `call_soon(task.cancel)` is no step.
    assert_eq!(slow.polls.len(), 2);
    if modern {
        for name in ["arrive 1", "arrive 2", "arrive 1.5"] {
            assert_eq!(ended_at(&tl, task(&tl, name)), 5.5, "{name}");
        }
        assert_eq!(
            waited_on(&tl, task(&tl, "arrive 1")),
            ["Sleep 1000 ms", "Barrier of 3"]
        );
        assert_eq!(total(&tl), 8.0);
        let deadline: Vec<f64> =
            tl.marks.iter().map(|m| u(&tl, m.at.rt_ns)).collect();
        assert_eq!(deadline, [8.0]);
        assert!(
            tl.resources
                .iter()
                .any(|r| r.info.describe() == "Timeout 500 ms")
        );
    }
}

#[test]
fn the_real_clock_keeps_the_order_and_never_runs_early() {
    // 1u = 20 ms: breakfast on the real clock. Only what a loaded machine cannot change is
    // checked: timers fire in order and never early.
    let options = Options {
        unit_ms: 20.0,
        ..Options::default()
    };
    let r = record_with("breakfast.py", &["together"], options);
    assert_eq!(r.run.ending, Ending::Returned, "{}", r.output);
    let tl = Timeline::from_trace(r.run.trace.as_ref().unwrap());
    assert_eq!(tl.header.clock, asyncscope::trace::Clock::Real);
    let (coffee, toast) = (task(&tl, "coffee"), task(&tl, "toast"));
    assert_eq!((coffee.end, toast.end), (End::Completed, End::Completed));
    assert!(tl.units(toast.ended.unwrap().rt_ns) >= 2.0);
    assert!(coffee.ended.unwrap() > toast.ended.unwrap());
    assert!(tl.units(tl.finish_stamp().rt_ns) >= 3.0);
    assert_eq!(waited_on(&tl, coffee), ["Sleep 60 ms"]);
}

/// A task keeps the name it was given even when it ends, and nothing refers to it any more,
/// before the recorder writes its trace (it was shown as `quick #3`).
#[test]
fn a_short_lived_task_keeps_its_name() {
    let tl = timeline("short_lived.py", &[]);
    let mut got = names(&tl);
    got.sort();
    assert_eq!(got, ["main", "quick-0", "quick-1", "quick-2"]);
}

/// The task asyncio makes for `wait_for(queue.get(), …)` is named after `Queue`, not after
/// the recorder's own wrapper (`_QueueMixin.get`), and is cancelled at the deadline.
#[test]
fn a_wait_for_task_is_named_after_the_learners_class() {
    let tl = timeline("wait_for_get.py", &[]);
    let got = names(&tl);
    assert!(got.iter().all(|n| !n.contains("Mixin")), "{got:?}");
    let get = tl
        .tasks
        .iter()
        .find(|t| t.info.name.starts_with("Queue.get #"))
        .unwrap_or_else(|| panic!("no Queue.get task: {got:?}"));
    assert!((ended_at(&tl, get) - 0.5).abs() < 1e-6, "{got:?}");
}

/// `asyncscope.heartbeat()` starts a hidden probe whose ticks measure how long the loop was
/// held: a `time.sleep(0.3)` in a step makes one tick at least that late (a lower bound the
/// machine's load can only raise), and the probe is neither drawn nor a leak.
#[test]
fn the_heartbeat_measures_a_blocked_loop() {
    let tl = timeline("heartbeat.py", &[]);
    let probe = tl
        .tasks
        .iter()
        .find(|t| t.info.name == "heartbeat")
        .unwrap_or_else(|| panic!("no heartbeat task: {:?}", names(&tl)));
    assert!(probe.info.probe);
    assert!(tl.scenario_tasks().all(|t| t.info.name != "heartbeat"));
    // One tick per 10 ms of the virtual clock's 0.3 s.
    assert!(
        (25..=31).contains(&tl.heartbeats.len()),
        "{}",
        tl.heartbeats.len()
    );
    let worst = tl.max_heartbeat_lag_us().unwrap();
    assert!(worst >= 290_000, "worst lag {worst} µs");
    assert!(tl.leaks().is_empty(), "{:?}", tl.leaks());
}
