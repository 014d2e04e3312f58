//! Hostile code never freezes the tool: each hostile program (a binary of the solutions
//! package, `solutions/hostile/*.rs`) is built and run contained like a learner's code, and
//! ends in the right verdict, within its time limit, with a sentence a learner can act on.

use asyncscope::exercise::SOLUTIONS_PACKAGE;
use asyncscope::exercise::runner::{self, Limits, RunReport, Verdict};
use asyncscope::timeline::Timeline;
use std::path::Path;
use std::time::{Duration, Instant};

const LIMIT_S: f64 = 3.0;

/// Slack over the limit for the whole run to come back: the runner itself needs well under a
/// second; the rest keeps the test honest on a loaded machine.
const SLACK: Duration = Duration::from_secs(3);

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Build `hostile_<what>`, run it with a 3 s wall limit, and check the run came back in time.
fn run_hostile(what: &str) -> RunReport {
    let bin = format!("hostile_{what}");
    let binary = runner::build(root(), SOLUTIONS_PACKAGE, &bin, false)
        .unwrap_or_else(|e| panic!("{bin} does not build:\n{e}"));
    let limits = Limits::with_wall(LIMIT_S);
    let start = Instant::now();
    let report = runner::run(&binary, limits);
    let took = start.elapsed();
    assert!(
        took <= limits.wall + SLACK,
        "{bin}: the run took {took:?}, limit {:?}",
        limits.wall
    );
    eprintln!(
        "{bin}: {:?} after {took:.2?} — your program {}",
        variant(&report.verdict),
        report.verdict.describe()
    );
    report
}

fn variant(v: &Verdict) -> &'static str {
    match v {
        Verdict::Finished(_) => "Finished",
        Verdict::TimedOut(_) => "TimedOut",
        Verdict::Panicked(_) => "Panicked",
        Verdict::Exited(_) => "Exited",
        Verdict::OutOfMemory => "OutOfMemory",
        Verdict::OutputFlood(_) => "OutputFlood",
        Verdict::Crashed(_) => "Crashed",
        Verdict::BadTrace(_) => "BadTrace",
    }
}

/// A verdict's sentence reads as the end of "your program …": lower-case start, no stray
/// punctuation, no debug formatting.
fn assert_reads_well(v: &Verdict) -> String {
    let s = v.describe();
    assert!(
        s.starts_with(|c: char| c.is_ascii_lowercase()),
        "`{s}` should continue \"your program …\""
    );
    for bad in ["{", "}", "\"", "(thread", ":)", "  ", "Some("] {
        assert!(!s.contains(bad), "`{s}` contains `{bad}`");
    }
    assert!(!s.ends_with('.') && !s.ends_with(':'), "`{s}`");
    s
}

#[test]
fn endless_loop_in_main_times_out() {
    let report = run_hostile("loop_main");
    assert!(
        matches!(report.verdict, Verdict::TimedOut(d) if d == Duration::from_secs(3)),
        "{:?}",
        report.verdict
    );
    assert!(report.wall >= Duration::from_secs(3));
    let s = assert_reads_well(&report.verdict);
    assert!(
        s.contains("within 3 s") && s.contains("endless loop"),
        "{s}"
    );
}

#[test]
fn task_that_never_yields_times_out() {
    let report = run_hostile("loop_task");
    assert!(
        matches!(report.verdict, Verdict::TimedOut(_)),
        "{:?}",
        report.verdict
    );
}

#[test]
fn async_deadlock_finishes_with_a_trace_that_names_it() {
    let report = run_hostile("deadlock");
    let Verdict::Finished(trace) = &report.verdict else {
        panic!(
            "a tokio deadlock should finish on the paused clock: {report:?}"
        );
    };
    // The paused clock jumped to the limit: the run is quick in wall time.
    assert!(report.wall < Duration::from_secs(3), "{:?}", report.wall);
    let tl = Timeline::from_trace(trace);
    let deadlock = tl.deadlock().expect("the timeline finds the deadlock");
    assert_eq!(deadlock.cycle.len(), 2, "{deadlock:?}");
    let sentence = tl.describe_deadlock(&deadlock);
    for name in ["`transfer-ab`", "`transfer-ba`", "account A", "account B"]
    {
        assert!(sentence.contains(name), "{name} in: {sentence}");
    }
    eprintln!("hostile_deadlock: {sentence}");
}

#[test]
fn std_mutex_locked_twice_blocks_the_thread_and_times_out() {
    let report = run_hostile("std_mutex");
    assert!(
        matches!(report.verdict, Verdict::TimedOut(_)),
        "{:?}",
        report.verdict
    );
    let s = assert_reads_well(&report.verdict);
    assert!(s.contains("std Mutex"), "{s}");
}

#[test]
fn panic_in_main_is_reported_with_its_message_and_place() {
    let report = run_hostile("panic");
    let Verdict::Panicked(msg) = &report.verdict else {
        panic!("{:?}", report.verdict);
    };
    assert!(msg.starts_with("no pages to fetch"), "{msg}");
    assert!(msg.contains("hostile/panic.rs:6"), "{msg}");
    let s = assert_reads_well(&report.verdict);
    assert!(s.starts_with("panicked: no pages to fetch (at "), "{s}");
}

#[test]
fn process_exit_is_reported_with_its_code() {
    let report = run_hostile("exit");
    assert!(
        matches!(report.verdict, Verdict::Exited(3)),
        "{:?}",
        report.verdict
    );
    assert_eq!(report.stdout, "leaving early\n");
    let s = assert_reads_well(&report.verdict);
    assert!(s.contains("code 3") && s.contains("process::exit"), "{s}");
}

#[test]
fn huge_allocation_is_out_of_memory() {
    let report = run_hostile("alloc");
    assert!(
        matches!(report.verdict, Verdict::OutOfMemory),
        "{:?} (stderr: {})",
        report.verdict,
        report.stderr
    );
    let s = assert_reads_well(&report.verdict);
    assert!(s.contains("2 GiB"), "{s}");
}

#[test]
fn output_flood_is_stopped() {
    let report = run_hostile("flood");
    let Verdict::OutputFlood(n) = report.verdict else {
        panic!("{:?}", report.verdict);
    };
    let limits = Limits::with_wall(LIMIT_S);
    assert!(n > limits.flood, "{n}");
    // What was kept is bounded and starts at the beginning.
    assert!(report.stdout.len() <= limits.keep_output + (8 << 10));
    assert!(report.stdout.contains("bytes left out"));
    assert!(report.stdout.starts_with("line 0: "));
    assert!(report.wall < Duration::from_secs(3), "{:?}", report.wall);
    let s = assert_reads_well(&report.verdict);
    assert!(s.contains("MiB"), "{s}");
}

#[test]
fn a_child_left_holding_the_output_does_not_hold_the_run() {
    // `sleep 60` inherits the pipes; the run must end when the program does.
    let report = run_hostile("orphan");
    assert!(
        matches!(report.verdict, Verdict::Exited(4)),
        "{:?}",
        report.verdict
    );
    assert!(report.wall < Duration::from_secs(3), "{:?}", report.wall);
}
