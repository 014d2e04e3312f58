//! Every lesson's asyncio code is a runnable file (`lessons/NN-*.py`) whose marked part is
//! exactly what the lesson prints; each run's asyncio twin runs under `asyncscope py`'s
//! recorder on the virtual clock, and the lesson's "what to look for" claims are checked on its
//! timeline: where asyncio agrees with tokio, and where the lesson says it differs.
//!
//! Only virtual-clock figures are checked (wall-clock facts only as orderings of polls on one
//! thread). These tests need `python3` 3.11 or newer on PATH (lessons 03, 09, 10, 14 and 15 use
//! TaskGroup, Barrier or asyncio.timeout); `ASYNCSCOPE_TEST_PYTHON=PATH` names another.

use asyncscope::lesson::{self, Answer, Lesson};
use asyncscope::python::{self, Ending, Interpreter, Options};
use asyncscope::scenarios::{self, RunOptions};
use asyncscope::timeline::{
    End, TaskLine, TaskState, Timeline, WakeSource,
};
use asyncscope::trace::TaskKind;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

fn lessons_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons")
}

fn lessons() -> Vec<Lesson> {
    let (lessons, errors) = lesson::load_all(&lessons_dir());
    assert!(errors.is_empty(), "{errors:?}");
    lessons
}

fn lesson_by_id(id: &str) -> Lesson {
    lessons()
        .into_iter()
        .find(|l| l.id == id)
        .unwrap_or_else(|| panic!("no lesson {id}"))
}

/// python3, run through a two-line wrapper that keeps it from writing `__pycache__` folders
/// (`-B`) next to the lessons' files.
fn interpreter() -> Interpreter {
    static FOUND: OnceLock<Interpreter> = OnceLock::new();
    FOUND
        .get_or_init(|| {
            let asked =
                std::env::var_os("ASYNCSCOPE_TEST_PYTHON").map(PathBuf::from);
            let real = python::find_python(asked.as_deref()).unwrap_or_else(|e| {
                panic!("the lessons' asyncio tests need python3 on PATH: {e}")
            });
            assert!(
                real.version >= (3, 11),
                "the lessons' asyncio files need Python 3.11 or newer, found {}",
                real.full_version
            );
            let wrapper = Path::new(env!("CARGO_TARGET_TMPDIR"))
                .join(format!("python-no-bytecode-{}", std::process::id()));
            std::fs::write(
                &wrapper,
                format!("#!/bin/sh\nexec '{}' -B \"$@\"\n", real.path.display()),
            )
            .unwrap();
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(
                &wrapper,
                std::fs::Permissions::from_mode(0o755),
            )
            .unwrap();
            Interpreter {
                path: wrapper,
                ..real
            }
        })
        .clone()
}

/// The lesson's asyncio file run with `args` (on the virtual clock unless not
/// `virtual_time`); it must run to its end.
fn run_file(l: &Lesson, args: &[String], virtual_time: bool) -> Timeline {
    let script = l.python.clone().expect("the lesson has an asyncio file");
    let options = Options {
        virtual_time,
        args: args.iter().map(Into::into).collect(),
        ..Options::default()
    };
    let printed = Arc::new(std::sync::Mutex::new(String::new()));
    let sink = printed.clone();
    let run = python::run(
        &interpreter(),
        &script,
        &options,
        Arc::new(move |line: &str| sink.lock().unwrap().push_str(line)),
    );
    let output = printed.lock().unwrap().clone();
    assert_eq!(
        run.ending,
        Ending::Returned,
        "{} {args:?}: {output}",
        script.display()
    );
    assert!(run.loop_ran);
    let trace = run.trace.expect("a trace came back");
    trace.validate().expect("the trace is whole");
    Timeline::from_trace(&trace)
}

/// The asyncio twin of run `run` of lesson `id`.
fn twin(id: &str, run: usize) -> Timeline {
    let l = lesson_by_id(id);
    let twin = l
        .asyncio_twin(run)
        .unwrap_or_else(|| panic!("lesson {id} run {run} has no twin"));
    run_file(&l, &twin.args, true)
}

/// The lesson's asyncio file with arguments no run of the lesson names, on the real clock:
/// only its process-pool modes, whose work the virtual clock cannot see (it would race ahead
/// of it, or call the loop stuck while the processes compute). Only values are checked.
fn file_on_real_clock(id: &str, args: &[&str]) -> Timeline {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    run_file(&lesson_by_id(id), &args, false)
}

/// A runtime-clock time in units, rounded to the µ-unit.
fn u(tl: &Timeline, rt_ns: u64) -> f64 {
    (tl.units(rt_ns) * 1e6).round() / 1e6
}

fn total(tl: &Timeline) -> f64 {
    u(tl, tl.finish_stamp().rt_ns)
}

fn task<'a>(tl: &'a Timeline, name: &str) -> &'a TaskLine {
    tl.task(name).unwrap_or_else(|| {
        let names: Vec<_> = tl.tasks.iter().map(|t| t.label()).collect();
        panic!("no task {name}: {names:?}")
    })
}

fn ended_at(tl: &Timeline, name: &str) -> f64 {
    u(tl, task(tl, name).ended.expect("it ended").rt_ns)
}

fn spawned_at(tl: &Timeline, name: &str) -> f64 {
    u(tl, task(tl, name).spawned.rt_ns)
}

/// Every mark, as (time, task, text).
fn marks(tl: &Timeline) -> Vec<(f64, String, String)> {
    tl.marks
        .iter()
        .map(|m| {
            let who = m
                .task
                .map_or_else(String::new, |t| tl.tasks[t as usize].label());
            (u(tl, m.at.rt_ns), who, m.text.clone())
        })
        .collect()
}

fn marks_named(tl: &Timeline, text: &str) -> Vec<(f64, String)> {
    marks(tl)
        .into_iter()
        .filter(|(_, _, t)| t == text)
        .map(|(at, who, _)| (at, who))
        .collect()
}

/// What a task waited on, in words, over its idle spells, with how long (units).
fn waits(tl: &Timeline, name: &str) -> Vec<(String, f64)> {
    task(tl, name)
        .intervals
        .iter()
        .filter(|iv| iv.state == TaskState::Idle)
        .filter_map(|iv| {
            let r = tl.resource(iv.waiting_on?)?;
            Some((
                r.info.describe(),
                u(tl, iv.end.rt_ns) - u(tl, iv.start.rt_ns),
            ))
        })
        .collect()
}

/// The program's task lanes (not main) whose names start with `prefix`.
fn lanes_named(tl: &Timeline, prefix: &str) -> Vec<String> {
    tl.scenario_tasks()
        .filter(|t| t.info.kind != TaskKind::BlockOn)
        .map(|t| t.label())
        .filter(|n| n.starts_with(prefix))
        .collect()
}

/// Do two answers agree (numbers to a µ-unit)?
fn same(a: &Answer, b: &Answer) -> bool {
    match (a, b) {
        (Answer::Number(x), Answer::Number(y)) => (x - y).abs() < 1e-6,
        _ => a == b,
    }
}

// ---- the code a lesson prints is its file's ------------------------------------------------

#[test]
fn every_lesson_prints_its_runnable_asyncio_file() {
    for l in lessons() {
        let raw = std::fs::read_to_string(&l.path).unwrap();
        assert!(
            !raw.contains("```python"),
            "lesson {}: asyncio code is written in the lesson, not shown from its file",
            l.id
        );
        let file = l.python.clone().unwrap_or_else(|| {
            panic!("lesson {} has no asyncio file", l.id)
        });
        assert_eq!(
            file.parent().unwrap(),
            lessons_dir(),
            "kept beside the lesson"
        );
        let source = std::fs::read_to_string(&file).unwrap();
        let region = scenarios::marked_region(
            &source,
            lesson::PY_START,
            lesson::PY_END,
        )
        .expect("a marked region");
        let shown = format!("```python\n{region}\n```\n");
        assert!(l.body.contains(&shown), "lesson {}: {}", l.id, l.body);
        // The printed lines are the file's, in its order (as the tokio code is checked).
        let mut rest = source.as_str();
        for line in region.lines().filter(|l| !l.trim().is_empty()) {
            let at = rest.find(line).unwrap_or_else(|| {
                panic!("{}: `{line}` is not in order", file.display())
            });
            rest = &rest[at + line.len()..];
        }
        for line in region.lines() {
            assert!(
                line.chars().count() <= 76,
                "{}: shown line longer than 76 columns: {line}",
                file.display()
            );
        }
        assert!(
            (0..l.runs.len()).any(|i| l.asyncio_twin(i).is_some()),
            "lesson {} names no asyncio twin for any run",
            l.id
        );
    }
}

const GOOD: &str = "+++\nid = \"90\"\ntitle = \"Good\"\norder = 90\n\n[[runs]]\nscenario = \"breakfast\"\nasyncio = \"together\"\n\n[[questions]]\nask = \"How long?\"\nanswer = \"duration\"\n+++\n# Fine\n{{code breakfast}}\n{{python 01-sync-vs-async}}\n";

fn parse(text: &str) -> Result<Lesson, lesson::LessonError> {
    lesson::parse(&lessons_dir().join("99-test.md"), text.as_bytes())
}

#[test]
fn a_python_line_shows_the_file_and_names_the_twin() {
    let l = parse(GOOD).unwrap();
    assert!(l.body.contains("```python\nimport asyncio\n"), "{}", l.body);
    assert!(!l.body.contains("lesson:start"), "markers are not shown");
    let twin = l.asyncio_twin(0).unwrap();
    assert_eq!(twin.args, ["together"]);
    assert!(twin.script.ends_with("lessons/01-sync-vs-async.py"));

    let missing = parse(
        &GOOD.replace("{{python 01-sync-vs-async}}", "{{python nope}}"),
    )
    .unwrap_err();
    assert_eq!(missing.line, 16);
    assert!(missing.to_string().contains("nope.py"), "{missing}");
    let no_file = parse(&GOOD.replace("{{python 01-sync-vs-async}}\n", ""))
        .unwrap_err();
    assert_eq!(no_file.line, 8);
    assert!(
        no_file.message.contains(
            "has an asyncio twin, but the lesson shows no asyncio file"
        ),
        "{no_file}"
    );
    // A file without its markers has nothing to show.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bare.py"), "import asyncio\n").unwrap();
    let e = lesson::parse(
        &dir.path().join("90-bare.md"),
        GOOD.replace("01-sync-vs-async", "bare").as_bytes(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("# lesson:start"), "{e}");
}

// ---- the questions, asked of the asyncio twins ----------------------------------------------

/// (lesson, question index): where asyncio's answer differs from tokio's, and the lesson says
/// so. Each is checked to differ (and its asyncio figure in the lesson's own test below).
const DIFFERS: &[(&str, usize)] = &[
    // A deadlock asyncio gives up on by itself (wait_for) is cancelled, no longer stuck.
    ("07", 2),
    // All 20 asyncio tasks exist from the start, waiting inside `async with sem`.
    ("08", 2),
    // A TaskGroup waits for its children; a TaskTracker's parent returns.
    ("14", 1),
];

/// Answers that depend on the machine's speed (wall-clock polls, heartbeat lag): asked of
/// neither side here. asyncscope's Python recorder has no heartbeat.
const WALL_CLOCK: &[(&str, usize)] = &[("02", 3), ("12", 1), ("12", 2)];

#[test]
fn every_question_has_the_same_answer_in_asyncio_unless_the_lesson_says() {
    let mut checked = 0;
    for l in lessons() {
        for (qi, q) in l.questions.iter().enumerate() {
            let key = (l.id.as_str(), qi);
            if l.asyncio_twin(q.run).is_none() || WALL_CLOCK.contains(&key)
            {
                continue;
            }
            let query = q.query();
            let tokio = lesson::run(&l, q.run, &RunOptions::virtual_time())
                .expect("the tokio run");
            let tokio = query.evaluate(&tokio).expect("tokio's answer");
            let asyncio =
                query.evaluate(&twin(&l.id, q.run)).unwrap_or_else(|| {
                    panic!(
                        "lesson {}: asyncio has no answer to \"{}\"",
                        l.id, q.ask
                    )
                });
            let differs = DIFFERS.contains(&key);
            assert_eq!(
                !same(&tokio, &asyncio),
                differs,
                "lesson {} \"{}\": tokio {tokio}, asyncio {asyncio}",
                l.id,
                q.ask
            );
            checked += 1;
        }
    }
    assert!(checked >= 40, "only {checked} questions asked of asyncio");
}

// ---- what to look for, lesson by lesson -----------------------------------------------------

#[test]
fn l01_breakfast_and_three_fetches() {
    let seq = twin("01", 0);
    assert_eq!(total(&seq), 5.0);
    assert_eq!(spawned_at(&seq, "toast"), ended_at(&seq, "coffee"));
    let together = twin("01", 1);
    assert_eq!(total(&together), 3.0);
    assert_eq!(waits(&together, "coffee"), [("Sleep 3000 ms".into(), 3.0)]);
    assert_eq!(waits(&together, "toast"), [("Sleep 2000 ms".into(), 2.0)]);
    // Starting a wait is a brief poll: every poll of the run took no runtime time.
    assert!(
        together
            .tasks
            .iter()
            .flat_map(|t| &t.polls)
            .all(|p| p.start.rt_ns == p.end.rt_ns)
    );
    let fetch = twin("01", 2);
    assert_eq!(
        fetch.values["finish_order"],
        json!(["Cache", "API", "Database"])
    );
    assert_eq!(
        fetch.values["results"],
        json!(["Database data", "API data", "Cache data"])
    );
}

#[test]
fn l02_turns_laziness_and_a_task_that_never_yields() {
    let turns = twin("02", 0);
    assert_eq!(total(&turns), 1.5);
    let order: Vec<String> =
        marks(&turns).into_iter().map(|m| m.2).collect();
    assert_eq!(
        order,
        ["ping 1", "pong 1", "ping 2", "pong 2", "ping 3", "pong 3"]
    );

    let lazy = twin("02", 1);
    assert_eq!(lanes_named(&lazy, ""), ["caller"]);
    let texts: Vec<String> =
        marks(&lazy).into_iter().map(|m| m.2).collect();
    assert_eq!(texts, ["awaited 1", "awaited 2", "awaited 3"]);
    assert_eq!(lazy.values["lazy_future_ran"], json!(false));

    let starve = twin("02", 2);
    let busy = task(&starve, "busy");
    assert_eq!(busy.polls.len(), 1);
    // The ticker is not polled while busy computes (one thread: wall order tells).
    let (from, to) =
        (busy.polls[0].start.wall_ns, busy.polls[0].end.wall_ns);
    assert!(
        task(&starve, "ticker")
            .polls
            .iter()
            .all(|p| p.end.wall_ns <= from || p.start.wall_ns >= to)
    );
    // With sleep(0) after each of its 60 slices: 61 polls.
    assert_eq!(task(&twin("02", 3), "busy").polls.len(), 61);
}

#[test]
fn l03_fail_fast_cancels_and_an_error_is_raised() {
    let fast = twin("03", 0);
    assert_eq!(total(&fast), 3.0);
    assert_eq!(
        marks_named(&fast, "error!"),
        [(3.0, "fetch-3".to_string())]
    );
    // asyncio: the error is an exception, so fetch-3 ends raised, not completed.
    assert_eq!(task(&fast, "fetch-3").end, End::Panicked);
    for name in ["fetch-4", "fetch-5"] {
        assert_eq!(task(&fast, name).end, End::Cancelled);
        assert_eq!(ended_at(&fast, name), 3.0);
    }
    let all = twin("03", 1);
    assert_eq!(total(&all), 5.0);
    let ends: Vec<f64> = (1..=5)
        .map(|n| ended_at(&all, &format!("fetch-{n}")))
        .collect();
    assert_eq!(ends, [1.0, 2.0, 3.0, 4.0, 5.0]);
    let slowest = twin("03", 2);
    assert!(slowest.tasks.iter().all(|t| t.end != End::Cancelled));
    assert_eq!(
        marks_named(&slowest, "error!"),
        [(5.0, "fetch-5".to_string())]
    );
}

#[test]
fn l04_as_completed_in_order_and_the_first_wins() {
    let asc = twin("04", 0);
    let ends: Vec<f64> = ["mirror-b", "mirror-c", "mirror-a"]
        .iter()
        .map(|m| ended_at(&asc, m))
        .collect();
    assert_eq!(ends, [1.0, 2.0, 3.0]);
    // main is polled as each answer arrives: its start, then 1u, 2u, 3u.
    let main: Vec<f64> = asc.tasks[0]
        .polls
        .iter()
        .map(|p| u(&asc, p.start.rt_ns))
        .collect();
    assert_eq!(main, [0.0, 1.0, 2.0, 3.0]);
    let in_order = twin("04", 1);
    let main: Vec<f64> = in_order.tasks[0]
        .polls
        .iter()
        .map(|p| u(&in_order, p.start.rt_ns))
        .collect();
    assert_eq!(main, [0.0, 3.0]);
    let race = twin("04", 2);
    assert_eq!(total(&race), 1.0);
    assert_eq!(task(&race, "mirror-b").end, End::Completed);
    for (name, sleep) in
        [("mirror-a", "Sleep 3000 ms"), ("mirror-c", "Sleep 2000 ms")]
    {
        assert_eq!(task(&race, name).end, End::Cancelled);
        assert_eq!(ended_at(&race, name), 1.0);
        assert_eq!(waits(&race, name), [(sleep.to_string(), 1.0)]);
    }
    // The mark comes after both losers are gone.
    let won = race
        .marks
        .iter()
        .find(|m| m.text == "mirror-b won; the others are gone")
        .unwrap();
    for name in ["mirror-a", "mirror-c"] {
        assert!(task(&race, name).ended.unwrap().wall_ns <= won.at.wall_ns);
    }
}

#[test]
fn l05_cancelling_with_and_without_cleanup_and_three_timeouts() {
    let asked = twin("05", 0);
    assert_eq!(total(&asked), 2.6);
    assert_eq!(marks_named(&asked, "cancel!"), [(2.5, "main".to_string())]);
    assert_eq!(
        marks_named(&asked, "asked to stop: cleaning up"),
        [(2.5, "A".to_string()), (2.5, "B".to_string())]
    );
    for name in ["A", "B"] {
        assert_eq!(
            (task(&asked, name).end, ended_at(&asked, name)),
            (End::Cancelled, 2.6)
        );
    }
    assert_eq!(
        (task(&asked, "C").end, ended_at(&asked, "C")),
        (End::Completed, 2.0)
    );

    let abrupt = twin("05", 1);
    assert_eq!(total(&abrupt), 2.5);
    assert!(marks_named(&abrupt, "asked to stop: cleaning up").is_empty());
    for name in ["A", "B"] {
        assert_eq!(
            (task(&abrupt, name).end, ended_at(&abrupt, name)),
            (End::Cancelled, 2.5)
        );
        // asyncio: the CancelledError is thrown in a step of its own (tokio: one poll).
        assert_eq!(task(&abrupt, name).polls.len(), 2);
    }

    let timeouts = twin("05", 2);
    assert_eq!(total(&timeouts), 7.0);
    let calls: Vec<(f64, End, f64)> = (1..=3)
        .map(|n| {
            let name = format!("call-{n}");
            (
                spawned_at(&timeouts, &name),
                task(&timeouts, &name).end,
                ended_at(&timeouts, &name),
            )
        })
        .collect();
    assert_eq!(
        calls,
        [
            (0.0, End::Cancelled, 2.5),
            (2.5, End::Cancelled, 4.0),
            (4.0, End::Completed, 7.0)
        ]
    );
    let timeout_at: Vec<f64> = marks_named(&timeouts, "timeout!")
        .iter()
        .map(|m| m.0)
        .collect();
    assert_eq!(timeout_at, [2.5, 4.0]);
    let dropped = marks_named(&timeouts, "guard dropped");
    assert_eq!(
        dropped,
        [
            (2.5, "call-1".into()),
            (4.0, "call-2".into()),
            (7.0, "call-3".into())
        ]
    );
    assert_eq!(
        marks_named(&timeouts, "call finished"),
        [(7.0, "call-3".into())]
    );
}

#[test]
fn l06_backoff_giving_up_and_not_retrying_a_404() {
    let retried = twin("06", 0);
    let attempts: Vec<f64> = marks(&retried)
        .into_iter()
        .filter(|m| m.2.starts_with("attempt "))
        .map(|m| m.0)
        .collect();
    assert_eq!(attempts, [0.0, 1.0, 3.0, 7.0]);
    assert_eq!(
        waits(&retried, "client"),
        [
            ("Sleep 1000 ms".into(), 1.0),
            ("Sleep 2000 ms".into(), 2.0),
            ("Sleep 4000 ms".into(), 4.0)
        ]
    );
    assert_eq!(marks_named(&retried, "success"), [(7.0, "client".into())]);
    let never = twin("06", 1);
    assert_eq!(total(&never), 7.0);
    assert_eq!(
        marks_named(&never, "gave up: Unavailable"),
        [(7.0, "client".into())]
    );
    let missing = twin("06", 2);
    assert_eq!(total(&missing), 0.0);
    let texts: Vec<String> =
        marks(&missing).into_iter().map(|m| m.2).collect();
    assert_eq!(texts, ["attempt 1", "gave up: NotFound"]);
}

#[test]
fn l07_lost_updates_a_lock_and_two_locks_in_opposite_order() {
    let unsafe_run = twin("07", 0);
    assert_eq!(unsafe_run.values["final"], json!(1));
    let incs = lanes_named(&unsafe_run, "inc-");
    assert_eq!(incs.len(), 100);
    assert!(incs.iter().all(|n| ended_at(&unsafe_run, n) == 0.01));
    assert_eq!(marks_named(&unsafe_run, "read 0").len(), 100);
    assert_eq!(marks_named(&unsafe_run, "wrote 1").len(), 100);

    let locked = twin("07", 1);
    assert_eq!(locked.values["final"], json!(100));
    for n in 1..=100 {
        let name = format!("inc-{n}");
        assert_eq!(
            ended_at(&locked, &name),
            (n as f64 * 0.01 * 1e6).round() / 1e6,
            "{name}"
        );
    }
    let third = task(&locked, "inc-3");
    assert!(
        waits(&locked, "inc-3")
            .iter()
            .any(|(w, _)| w.starts_with("Lock ("))
    );
    assert!(
        third.wakes.iter().any(|w| w.source
            == WakeSource::Task(task(&locked, "inc-2").info.idx))
    );

    let deadlock = twin("07", 2);
    assert_eq!(total(&deadlock), 3.0);
    for name in ["transfer-ab", "transfer-ba"] {
        assert_eq!(
            (task(&deadlock, name).end, ended_at(&deadlock, name)),
            (End::Cancelled, 3.0)
        );
        let on_lock: Vec<(String, f64)> = waits(&deadlock, name)
            .into_iter()
            .filter(|(w, _)| w.starts_with("Lock ("))
            .collect();
        assert_eq!(on_lock.len(), 1, "{name}: {on_lock:?}");
        assert!((on_lock[0].1 - 2.9).abs() < 1e-6, "{on_lock:?}");
    }
    assert_eq!(deadlock.values["deadlock"], json!("yes"));
    // Cancelled by the program, no task is left stuck: no cycle is named.
    assert!(deadlock.deadlock().is_none());

    let same = twin("07", 3);
    assert_eq!(ended_at(&same, "transfer-ba"), 0.2);
    assert_eq!(
        waits(&same, "transfer-ba")[0].1,
        0.1,
        "transfer-ba waits 0.1u on account A"
    );
}

/// When each `op-` task got its permit.
fn permits(tl: &Timeline) -> Vec<f64> {
    marks_named(tl, "got a permit")
        .into_iter()
        .map(|m| m.0)
        .collect()
}

#[test]
fn l08_a_semaphore_keeps_the_limit_in_flight_and_a_bucket_spaces_requests()
{
    let twenty = twin("08", 0);
    assert_eq!(total(&twenty), 4.0);
    let waves: Vec<f64> =
        [0.0, 1.0, 2.0, 3.0].iter().flat_map(|&w| [w; 5]).collect();
    assert_eq!(permits(&twenty), waves);
    // asyncio: every op- task exists from 0u, the waiting ones inside `async with`.
    assert_eq!(twenty.peak_in_flight(Some("op-")).0, 20);
    assert!(
        lanes_named(&twenty, "op-")
            .iter()
            .all(|n| spawned_at(&twenty, n) == 0.0)
    );
    assert!(
        waits(&twenty, "main")
            .iter()
            .all(|(w, _)| w == "gather of 20")
    );

    let ten = twin("08", 1);
    assert_eq!(total(&ten), 2.0);
    assert_eq!(
        permits(&ten),
        [0.0, 0.0, 0.0, 0.5, 0.5, 0.5, 1.0, 1.0, 1.0, 1.5]
    );
    assert_eq!(ended_at(&ten, "op-10"), 2.0);

    let bucket = twin("08", 2);
    assert_eq!(
        bucket.values["start_times"],
        json!([0.0, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0])
    );
    let got: Vec<f64> = marks_named(&bucket, "got a token")
        .into_iter()
        .map(|m| m.0)
        .collect();
    assert_eq!(got, [0.0, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0]);
    assert!(
        lanes_named(&bucket, "req-")
            .iter()
            .all(|n| spawned_at(&bucket, n) == 0.0)
    );
    assert!(
        lanes_named(&bucket, "refill").is_empty(),
        "no refill task in asyncio"
    );
}

#[test]
fn l09_backpressure_and_end_markers() {
    let small = twin("09", 0);
    assert_eq!(total(&small), 6.0);
    assert_eq!(ended_at(&small, "producer-1"), 4.0);
    let parked = waits(&small, "producer-1");
    assert!(!parked.is_empty());
    assert!(
        parked.iter().all(|(w, _)| w.starts_with("Queue (")
            && w.ends_with("(capacity 3)")),
        "{parked:?}"
    );
    let consumer = task(&small, "consumer-1").info.idx;
    assert!(
        task(&small, "producer-1")
            .wakes
            .iter()
            .any(|w| w.source == WakeSource::Task(consumer))
    );
    // asyncio: a Queue cannot be closed (before 3.13), so main cancels its consumers.
    for name in ["consumer-1", "consumer-2"] {
        assert_eq!(
            (task(&small, name).end, ended_at(&small, name)),
            (End::Cancelled, 6.0)
        );
    }
    let roomy = twin("09", 1);
    assert_eq!(ended_at(&roomy, "producer-1"), 0.0);
    assert_eq!(ended_at(&roomy, "consumer-2"), 6.0);

    let one = twin("09", 2);
    assert_eq!(total(&one), 5.0);
    assert_eq!(
        marks_named(&one, "end marker"),
        [(2.0, "consumer-1".into())]
    );
    assert_eq!(
        marks_named(&one, "gave up: timeout"),
        [(5.0, "consumer-2".into())]
    );
    let waited: f64 = waits(&one, "consumer-2")
        .iter()
        .filter(|(w, _)| w.starts_with("Queue ("))
        .map(|(_, d)| d)
        .sum();
    assert!((waited - 3.0).abs() < 1e-6, "{waited}");
    let each = twin("09", 3);
    assert_eq!(total(&each), 2.0);
    assert_eq!(
        marks_named(&each, "end marker"),
        [(2.0, "consumer-1".into()), (2.0, "consumer-2".into())]
    );
}

#[test]
fn l10_a_barrier_an_event_and_a_notify_that_comes_too_early() {
    let barrier = twin("10", 0);
    assert_eq!(
        marks_named(&barrier, "at the barrier"),
        [
            (1.0, "worker-1".into()),
            (1.5, "worker-3".into()),
            (2.0, "worker-2".into())
        ]
    );
    assert_eq!(
        marks_named(&barrier, "the leader (arrived last)"),
        [(2.0, "worker-2".into())]
    );
    for name in ["worker-1", "worker-2", "worker-3"] {
        assert_eq!(ended_at(&barrier, name), 2.5);
    }
    assert!(marks_named(&barrier, "through").iter().all(|m| m.0 == 2.0));
    assert!(
        waits(&barrier, "worker-1").contains(&("Barrier of 3".into(), 1.0))
    );
    let leader = task(&barrier, "worker-2").info.idx;
    assert!(
        task(&barrier, "worker-3")
            .wakes
            .iter()
            .any(|w| w.source == WakeSource::Task(leader))
    );

    let event = twin("10", 1);
    assert_eq!(
        (ended_at(&event, "waiter-1"), ended_at(&event, "waiter-2")),
        (3.0, 4.0)
    );
    assert_eq!(
        marks_named(&event, "starts waiting"),
        [(2.5, "late".into())]
    );
    assert_eq!(marks_named(&event, "released"), [(2.5, "late".into())]);
    let main = event.tasks[0].info.idx;
    assert!(
        task(&event, "waiter-1")
            .wakes
            .iter()
            .any(|w| w.source == WakeSource::Task(main))
    );
    assert!(waits(&event, "waiter-1")[0].0.starts_with("Event ("));

    let late = twin("10", 2);
    assert_eq!(
        marks_named(&late, "gave up: timeout"),
        [(4.5, "late".into())]
    );
    assert_eq!(total(&late), total(&event) + 0.5);
}

#[test]
fn l11_a_lazy_source_buffered_and_unordered() {
    let buffered = twin("11", 0);
    let pages: Vec<f64> = marks(&buffered)
        .into_iter()
        .filter(|m| m.2.starts_with("fetch page"))
        .map(|m| m.0)
        .collect();
    assert_eq!(pages, [0.0, 1.4, 2.5]);
    for n in 4..=6 {
        assert_eq!(spawned_at(&buffered, &format!("enrich-{n}")), 0.8);
    }
    assert_eq!(total(&buffered), 4.1);
    assert_eq!(
        marks_named(&buffered, "load [1, 2, 3, 4, 5]"),
        [(1.1, "loader".into())]
    );
    // Loading overlaps enriching: enrich-7 to enrich-9 start as the batch is loaded, and run on.
    for n in 7..=9 {
        let name = format!("enrich-{n}");
        assert_eq!(spawned_at(&buffered, &name), 1.1);
        assert!(ended_at(&buffered, &name) > 1.1);
    }
    assert_eq!(buffered.peak_in_flight(Some("enrich")).0, 3);

    let unordered = twin("11", 1);
    assert_eq!(spawned_at(&unordered, "enrich-4"), 0.6);
    assert_eq!(total(&unordered), 3.6);

    let five = twin("11", 2);
    assert_eq!(
        marks(&five)
            .iter()
            .filter(|m| m.2.starts_with("fetch page"))
            .count(),
        1
    );
    assert_eq!(lanes_named(&five, "enrich-").len(), 5);
    assert_eq!(total(&five), 1.3);
    assert_eq!(twin("11", 3).values["output_order"], json!([2, 3, 1]));
}

#[test]
fn l12_inline_hashing_blocks_the_loop_and_a_thread_does_not() {
    let inline = twin("12", 0);
    for name in ["hash-1", "hash-2"] {
        assert_eq!(task(&inline, name).polls.len(), 1, "{name}");
    }
    let (who, poll) = inline.longest_poll().unwrap();
    assert!(inline.tasks[who as usize].label().starts_with("hash-"));
    // Nothing else ran on the loop's thread during that poll.
    assert!(
        inline
            .tasks
            .iter()
            .filter(|t| t.info.idx != who)
            .flat_map(|t| &t.polls)
            .all(|p| p.end.wall_ns <= poll.start.wall_ns
                || p.start.wall_ns >= poll.end.wall_ns)
    );

    let thread = twin("12", 1);
    let jobs: Vec<&TaskLine> = thread
        .tasks
        .iter()
        .filter(|t| t.info.kind == TaskKind::Blocking)
        .collect();
    assert_eq!(jobs.len(), 2);
    for job in &jobs {
        assert_eq!(job.label(), "hash_job");
        assert!(
            job.intervals
                .iter()
                .any(|iv| iv.state == TaskState::Blocking)
        );
        assert!(thread.threads[job.polls[0].thread as usize].blocking_pool);
    }
    // The same hashes wherever they ran, in another process too.
    let results = &inline.values["results"];
    assert_eq!(&thread.values["results"], results);
    assert_eq!(
        &file_on_real_clock("12", &["process"]).values["results"],
        results
    );
}

#[test]
fn l13_waits_overlap_on_one_thread_and_crunching_does_not() {
    let io = twin("13", 0);
    assert_eq!(total(&io), 1.0);
    assert_eq!(lanes_named(&io, "io-").len(), 4);
    let cpu = twin("13", 1);
    assert_eq!(cpu.values["threads_used"], json!(1));
    assert_eq!(total(&cpu), 0.0, "computing takes no virtual time");
    for n in 1..=4 {
        let lane = task(&cpu, &format!("cpu-{n}"));
        assert_eq!(lane.polls.len(), 1);
        assert_eq!(cpu.threads[lane.polls[0].thread as usize].name, "main");
    }
    // Two threads run the crunches (and the GIL one at a time, which no figure here shows).
    let threads = twin("13", 2);
    assert_eq!(threads.values["threads_used"], json!(2));
    let mut used: Vec<_> = threads
        .tasks
        .iter()
        .filter(|t| t.info.kind == TaskKind::Blocking)
        .map(|t| t.polls[0].thread)
        .collect();
    assert_eq!(used.len(), 4);
    used.sort_unstable();
    used.dedup();
    assert_eq!(used.len(), 2);
    assert_eq!(
        file_on_real_clock("13", &["processes"]).values["threads_used"],
        json!(2)
    );
}

#[test]
fn l14_leaked_children_a_task_group_and_a_graceful_shutdown() {
    let forget = twin("14", 0);
    assert_eq!(ended_at(&forget, "parent"), 1.0);
    let children = lanes_named(&forget, "child-");
    assert_eq!(children.len(), 3);
    for name in &children {
        assert_eq!(
            (task(&forget, name).end, ended_at(&forget, name)),
            (End::Cancelled, 1.0)
        );
    }
    assert_eq!(forget.leaks().len(), 3);
    assert_eq!(forget.values["children_finished"], json!(0));

    let group = twin("14", 1);
    // asyncio: the TaskGroup makes the parent wait for its children.
    assert_eq!(ended_at(&group, "parent"), 3.0);
    for name in lanes_named(&group, "child-") {
        assert_eq!(
            (task(&group, &name).end, ended_at(&group, &name)),
            (End::Completed, 3.0)
        );
    }
    assert_eq!(marks_named(&group, "main returns"), [(3.0, "main".into())]);
    assert!(group.leaks().is_empty());

    let drain = twin("14", 2);
    assert_eq!(
        marks_named(&drain, "Ctrl-C: shutting down"),
        [(2.0, "main".into())]
    );
    assert_eq!(
        marks_named(&drain, "stopped accepting"),
        [(2.0, "acceptor".into())]
    );
    assert_eq!(marks_named(&drain, "drained"), [(2.8, "main".into())]);
    assert_eq!(ended_at(&drain, "acceptor"), 2.0);
    let requests = lanes_named(&drain, "request-");
    assert_eq!(requests.len(), 6);
    assert!(
        requests
            .iter()
            .all(|n| task(&drain, n).end == End::Completed)
    );

    let late = twin("14", 3);
    assert_eq!(
        marks_named(&late, "deadline: cancelling 3 requests"),
        [(3.0, "main".into())]
    );
    let ends: Vec<End> = (1..=6)
        .map(|n| task(&late, &format!("request-{n}")).end)
        .collect();
    assert_eq!(ends[..3], [End::Completed; 3]);
    assert_eq!(ends[3..], [End::Cancelled; 3]);
    assert!(late.leaks().is_empty());
}

#[test]
fn l15_the_tour_names_the_hog() {
    let tour = twin("15", 0);
    assert_eq!(
        marks_named(&tour, "computing without an await"),
        [(0.4, "hog".into())]
    );
    let (who, _) = tour.longest_poll().unwrap();
    assert_eq!(tour.tasks[who as usize].label(), "hog");
    assert_eq!(task(&tour, "hog").polls.len(), 2);
    assert_eq!(task(&tour, "yielder").polls.len(), 32);
    assert_eq!(task(&tour, "sleeper").polls.len(), 2);
    assert_eq!(waits(&tour, "sleeper"), [("Sleep 1000 ms".into(), 1.0)]);
    let pinger = task(&tour, "pinger").info.idx;
    assert!(
        task(&tour, "chatty")
            .wakes
            .iter()
            .all(|w| w.source == WakeSource::Task(pinger))
    );
    assert_eq!(task(&tour, "chatty").polls.len(), 51);
    // asyncscope's Python recorder has no heartbeat: no lag to read.
    assert!(tour.max_heartbeat_lag_us().is_none());
}

// ---- the command ----------------------------------------------------------------------------

#[test]
fn lesson_python_prints_each_twin_under_its_tokio_run() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_asyncscope"))
        .args(["lesson", "01", "--python", "--width", "80"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let run2 = text
        .find("── run 2: breakfast (together) ──")
        .expect("run 2");
    let twin2 = text
        .find("── run 2 in asyncio: 01-sync-vs-async.py together ──")
        .expect("run 2's twin");
    let run3 = text.find("── run 3:").expect("run 3");
    assert!(run2 < twin2 && twin2 < run3, "{text}");
    assert!(
        text[twin2..run3].contains("total 3.00u"),
        "{}",
        &text[twin2..run3]
    );

    // Without a Python, one sentence says so and the tokio runs still show.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_asyncscope"))
        .args(["lesson", "01", "--python"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("PATH", "/nonexistent")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        text.matches(
            "The asyncio twins cannot run: python3 was not found on PATH"
        )
        .count(),
        1,
        "{text}"
    );
    assert!(text.contains("── run 3: fetch-three"));
    assert!(!text.contains("in asyncio:"));
}
