//! Snapshots of every TUI screen (ratatui's TestBackend + insta), at 80×24 and 160×48.
//! Runs use virtual time and wall-clock figures are hidden, so every snapshot is exact.

use asyncscope::exercise::{Checked, SOLUTIONS_PACKAGE};
use asyncscope::grade::CheckResult;
use asyncscope::timeline::Timeline;
use asyncscope::trace::{
    Clock, Event, EventKind, Header, TaskInfo, TaskKind, ThreadInfo, Trace,
};
use asyncscope::tui;
use asyncscope::tui::app::{App, Overlay, Screen, Side};
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::time::{Duration, Instant};

mod screen;
use screen::{app, chars, key, render};

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

/// Lesson 01 with its first run (breakfast, one after another) finished.
fn lesson_run() -> App {
    let mut app = app();
    app.open_lesson(0);
    key(&mut app, KeyCode::Enter);
    app.finish_runs();
    app
}

fn snap(name: &str, app: &mut App) {
    for (w, h) in SIZES {
        let text = render(app, w, h);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), text);
    }
}

#[test]
fn home() {
    snap("home", &mut app());
}

#[test]
fn home_exercises_focused() {
    let mut app = app();
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Down);
    snap("home_exercises", &mut app);
}

#[test]
fn lesson_before_any_run() {
    let mut app = app();
    app.open_lesson(0);
    snap("lesson_text", &mut app);
}

#[test]
fn lesson_after_run() {
    snap("lesson_run_done", &mut lesson_run());
}

#[test]
fn paused_replay_mid_run() {
    let mut app = lesson_run();
    let r = app.lv.recording_mut().unwrap();
    r.seek_ns(4e9);
    r.step(-1);
    assert!(!r.playing);
    assert!(r.cursor < r.events());
    snap("lesson_paused_mid_run", &mut app);
}

#[test]
fn stepping_back_undoes_one_event() {
    let mut app = lesson_run();
    let r = app.lv.recording_mut().unwrap();
    let end = r.cursor;
    r.step(-1);
    assert!(r.cursor < end);
    let back = r.cursor;
    r.step(1);
    assert_eq!(r.cursor, end);
    r.step(-1);
    assert_eq!(r.cursor, back);
    r.to_start();
    assert_eq!(r.cursor, 0);
    assert_eq!(
        r.timeline()
            .tasks
            .iter()
            .filter(|t| t.ended.is_some())
            .count(),
        0
    );
}

#[test]
fn inspector() {
    let mut app = lesson_run();
    key(&mut app, KeyCode::Down); // coffee
    key(&mut app, KeyCode::Char('t'));
    assert_eq!(app.lv.side, Side::Inspector);
    snap("inspector", &mut app);
}

#[test]
fn knobs_panel() {
    let mut app = lesson_run();
    key(&mut app, KeyCode::Char('k'));
    assert_eq!(app.lv.side, Side::Knobs);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Right); // mode: sequential → together
    snap("knobs", &mut app);
}

#[test]
fn compare_two_runs() {
    let mut app = lesson_run();
    key(&mut app, KeyCode::Char('k'));
    key(&mut app, KeyCode::Right);
    key(&mut app, KeyCode::Enter); // re-run with mode=together
    app.finish_runs();
    key(&mut app, KeyCode::Char('c'));
    assert!(app.lv.compare);
    snap("compare", &mut app);
}

#[test]
fn help_overlays() {
    let mut app = app();
    key(&mut app, KeyCode::Char('?'));
    snap("help_home", &mut app);
    let mut app = lesson_run();
    key(&mut app, KeyCode::Char('?'));
    snap("help_lesson", &mut app);
}

#[test]
fn prediction_then_verdict() {
    let mut app = app();
    app.open_lesson(0);
    key(&mut app, KeyCode::Char('2'));
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.overlay, Overlay::Question(_)));
    snap("question_number", &mut app);
    chars(&mut app, "5");
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.overlay, Overlay::Question(_)));
    snap("question_choices", &mut app);
    key(&mut app, KeyCode::Char('2')); // toast
    app.finish_runs();
    let Overlay::Verdicts(v) = &app.overlay else {
        panic!("no verdicts: {:?}", app.overlay)
    };
    assert!(!v[0].correct, "5u is wrong: {v:?}");
    assert!(v[1].correct, "toast is first: {v:?}");
    snap("verdicts", &mut app);
}

#[test]
fn instructor_mode() {
    let mut app = lesson_run();
    key(&mut app, KeyCode::Char('i'));
    snap("instructor", &mut app);
}

#[test]
fn too_small() {
    let mut app = lesson_run();
    insta::assert_snapshot!("too_small", render(&mut app, 79, 23));
}

/// A hand-built trace: `n` tasks named "fetch N" that each poll, wait, and complete.
pub fn many_tasks(n: u32) -> Trace {
    let mut h = Header::new("many", Clock::Real, 1000.0);
    h.title = "many tasks".into();
    let mut t = Trace::empty(h);
    t.threads.push(ThreadInfo {
        idx: 0,
        name: "main".into(),
    });
    let mut events = Vec::new();
    for i in 0..n {
        t.tasks.push(TaskInfo {
            idx: i,
            tokio_id: i as u64 + 1,
            name: if i == 0 {
                String::new()
            } else {
                format!("fetch {i}")
            },
            kind: if i == 0 {
                TaskKind::BlockOn
            } else {
                TaskKind::Task
            },
            spawned_at: None,
            parent: None,
            probe: false,
        });
        let start = i as u64 * 1_000_000;
        let e = |k, at: u64| Event::new(k, at, 0, i, 0);
        events.push(e(EventKind::TaskSpawn, start));
        events.push(e(EventKind::PollStart, start + 10_000));
        events.push(e(EventKind::PollEnd, start + 20_000));
        events.push(e(EventKind::Wake, start + 500_000_000));
        events.push(e(EventKind::PollStart, start + 500_010_000));
        events.push(e(EventKind::PollEnd, start + 500_020_000));
        events.push(e(EventKind::Outcome, start + 500_020_000));
        events.push(e(EventKind::TaskClose, start + 500_030_000));
    }
    events.sort_by_key(|e| e.wall_ns);
    t.events = events;
    t
}

#[test]
fn trace_file_with_folded_lanes() {
    let mut app = app();
    app.open_trace("many.trace", many_tasks(300));
    assert!(app.lv.folded());
    snap("trace_folded", &mut app);
    key(&mut app, KeyCode::Char('f'));
    snap("trace_unfolded", &mut app);
}

/// A hand-made run of `fetch_all`: a root task that spawns `n` "fetch page N" tasks of 1u
/// each (unit: 1 s of wall clock), one after another or all at once.
fn fetch_run(n: u32, together: bool) -> Timeline {
    let mut h = Header::new("fetch_all", Clock::Real, 1000.0);
    h.title = "fetch_all".into();
    let mut t = Trace::empty(h);
    t.threads.push(ThreadInfo {
        idx: 0,
        name: "main".into(),
    });
    const U: u64 = 1_000_000_000;
    let mut events = Vec::new();
    for i in 0..=n {
        t.tasks.push(TaskInfo {
            idx: i,
            tokio_id: i as u64 + 1,
            name: if i == 0 {
                String::new()
            } else {
                format!("fetch page {i}")
            },
            kind: if i == 0 {
                TaskKind::BlockOn
            } else {
                TaskKind::Task
            },
            spawned_at: None,
            parent: None,
            probe: false,
        });
        let (start, end) = match (i, together) {
            (0, true) => (0, U + n as u64 * 10_000_000 + 1_000_000),
            (0, false) => (0, n as u64 * U + 1_000_000),
            (_, true) => (1_000, U + i as u64 * 10_000_000),
            (_, false) => ((i as u64 - 1) * U + 1_000, i as u64 * U),
        };
        let e = |k, at: u64| Event::new(k, at, 0, i, 0);
        events.push(e(EventKind::TaskSpawn, start));
        events.push(e(EventKind::PollStart, start + 10_000));
        events.push(e(EventKind::PollEnd, start + 20_000));
        events.push(e(EventKind::Wake, end - 20_000));
        events.push(e(EventKind::PollStart, end - 10_000));
        events.push(e(EventKind::PollEnd, end));
        events.push(e(EventKind::Outcome, end));
        events.push(e(EventKind::TaskClose, end));
    }
    events.sort_by_key(|e| e.wall_ns);
    t.events = events;
    Timeline::from_trace(&t)
}

fn result(id: &str, passed: bool, message: &str) -> CheckResult {
    CheckResult {
        id: id.into(),
        passed,
        message: message.into(),
    }
}

fn checked(
    passed: bool,
    checks: Vec<CheckResult>,
    timeline: Option<Timeline>,
) -> Checked {
    Checked {
        name: "fetch_all".into(),
        passed,
        compile_error: None,
        run_problem: None,
        checks,
        timeline,
        stdout: String::new(),
    }
}

/// The exercise screen of `fetch_all`, nothing checked (no cargo in snapshot tests).
fn exercise_app() -> App {
    let mut app = app();
    let i = app
        .exercises
        .iter()
        .position(|e| e.name == "fetch_all")
        .expect("fetch_all is an exercise");
    assert!(app.show_exercise(i));
    assert_eq!(app.screen, Screen::Exercise);
    app
}

/// The learner's sequential fetches failing, beside the reference's concurrent ones.
fn exercise_failing() -> App {
    let mut app = exercise_app();
    let ev = app.ev.as_mut().unwrap();
    ev.mine = Some(checked(
        false,
        vec![
            result("finishes", true, "the program finished"),
            result(
                "values_equal:results",
                true,
                "the pages came back in order",
            ),
            result(
                "waits_overlap",
                false,
                "at most 1 `fetch page` was in flight at once; at least 10 should be",
            ),
            result(
                "total_at_most",
                false,
                "the whole run took 10.00u; it should take at most 1.30u (1.3 × the slowest)",
            ),
            result("no_leaks", true, "no task was left running"),
        ],
        Some(fetch_run(10, false)),
    ));
    app.references.insert(
        "fetch_all".into(),
        checked(
            true,
            vec![result("finishes", true, "the program finished")],
            Some(fetch_run(10, true)),
        ),
    );
    app
}

#[test]
fn exercise_failing_beside_reference() {
    let mut app = exercise_failing();
    key(&mut app, KeyCode::Char('h'));
    assert_eq!(app.ev.as_ref().unwrap().hints, 1);
    snap("exercise_failing", &mut app);
    for (w, h) in SIZES {
        let text = render(&mut app, w, h);
        assert!(
            text.contains("totals: yours 10.00u vs reference 1.10u"),
            "{text}"
        );
        assert!(text.contains("✗"), "{text}");
    }
    key(&mut app, KeyCode::Char('?'));
    snap("help_exercise", &mut app);
    key(&mut app, KeyCode::Esc); // closes help
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.screen, Screen::Home);
}

#[test]
fn exercise_hints_one_at_a_time() {
    let mut app = exercise_app();
    let n = app.ev.as_ref().unwrap().info.hints.len();
    for shown in 1..=n {
        key(&mut app, KeyCode::Char('h'));
        assert_eq!(app.ev.as_ref().unwrap().hints, shown);
    }
    key(&mut app, KeyCode::Char('h'));
    assert_eq!(app.ev.as_ref().unwrap().hints, n);
    assert_eq!(app.status.as_deref(), Some("that was the last hint"));
}

#[test]
fn exercise_compile_error_and_checking() {
    let mut app = exercise_app();
    let ev = app.ev.as_mut().unwrap();
    let mut c = checked(false, Vec::new(), None);
    c.compile_error = Some(
        "\u{1b}[0m\u{1b}[1m\u{1b}[38;5;9merror[E0308]\u{1b}[0m\u{1b}[0m\u{1b}[1m: mismatched types\u{1b}[0m\n  \
         --> exercises/fetch_all.rs:14:20\n   |\n14 |         pages.push(fetch_page(id));\n   \
         |               ---- ^^^^^^^^^^^^^^ expected `String`, found future\n"
            .into(),
    );
    ev.mine = Some(c);
    // The reference is still being checked.
    ev.reference_checking = true;
    snap("exercise_compile_error", &mut app);
    let text = render(&mut app, 160, 48);
    assert!(!text.contains('\u{1b}') && !text.contains("[0m"), "{text}");
    assert!(text.contains("error[E0308]: mismatched types"), "{text}");
}

/// The real check of `fetch_all`, through the screen's background path: the starter (from the
/// solutions package, not the learner's file) and the reference solution.
#[test]
fn exercise_real_check_in_the_background() {
    let mut app = exercise_app();
    let ev = app.ev.as_mut().unwrap();
    ev.package = SOLUTIONS_PACKAGE.into();
    ev.bin = "starter_fetch_all".into();
    ev.file = None;
    let asked = Instant::now();
    app.recheck();
    assert!(
        asked.elapsed() < Duration::from_secs(2),
        "the check blocked"
    );
    let ev = app.ev.as_ref().unwrap();
    assert!(ev.busy() && ev.checking && ev.reference_checking);
    assert!(render(&mut app, 80, 24).contains("checking…"));
    assert!(app.needs_tick());
    assert!(app.finish_checks(Duration::from_secs(600)), "checks hung");
    let ev = app.ev.as_ref().unwrap();
    assert!(!ev.checking && !ev.reference_checking && !ev.busy());
    let mine = ev.mine.as_ref().expect("the starter was checked");
    assert!(mine.compile_error.is_none(), "{:?}", mine.compile_error);
    assert!(!mine.passed, "the starter passed: {:?}", mine.checks);
    let reference = &app.references["fetch_all"];
    assert!(
        reference.passed,
        "the reference failed: {:?}",
        reference.checks
    );
    let total = |c: &Checked| {
        let tl = c.timeline.as_ref().expect("a timeline");
        tl.units(tl.finish_stamp().rt_ns)
    };
    assert!(
        total(mine) > 2.0 * total(reference),
        "starter {} vs reference {}",
        total(mine),
        total(reference)
    );
    let text = render(&mut app, 160, 48);
    assert!(text.contains("totals: yours"), "{text}");
    assert!(text.contains(" yours · ✗"), "{text}");
    assert!(text.contains(" reference · ✓ passes"), "{text}");
    // The reference is checked once: checking again checks only the learner's.
    app.recheck();
    let ev = app.ev.as_ref().unwrap();
    assert!(ev.checking && !ev.reference_checking);
    assert!(app.finish_checks(Duration::from_secs(600)), "checks hung");
}

/// Saving the watched file re-checks by itself (seen by polling its modification time).
#[test]
fn exercise_rechecks_when_the_file_changes() {
    let dir = std::env::temp_dir()
        .join(format!("asyncscope-tui-watch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("fetch_all.rs");
    std::fs::write(&file, "// mine\n").unwrap();
    let mut app = exercise_app();
    app.references.insert(
        "fetch_all".into(),
        checked(true, Vec::new(), Some(fetch_run(2, true))),
    );
    let ev = app.ev.as_mut().unwrap();
    ev.package = SOLUTIONS_PACKAGE.into();
    ev.bin = "no_such_binary".into();
    ev.file = Some(file.clone());
    app.recheck(); // takes the file's current time
    assert!(app.finish_checks(Duration::from_secs(300)));
    let now = Instant::now();
    app.tick(now);
    assert!(!app.ev.as_ref().unwrap().busy(), "nothing changed yet");
    let later = std::time::SystemTime::now() + Duration::from_secs(5);
    std::fs::File::options()
        .write(true)
        .open(&file)
        .unwrap()
        .set_modified(later)
        .unwrap();
    assert!(app.tick(now + Duration::from_secs(1)));
    let ev = app.ev.as_ref().unwrap();
    assert!(ev.busy() && ev.checking, "no re-check after the save");
    assert!(!ev.reference_checking, "the reference is cached");
    assert!(app.status.as_deref().unwrap_or("").contains("changed"));
    assert!(app.finish_checks(Duration::from_secs(300)));
    let mine = app.ev.as_ref().unwrap().mine.as_ref().unwrap();
    let err = mine.compile_error.as_deref().expect("cargo's complaint");
    assert!(
        err.contains("no_such_binary") && !err.contains('\u{1b}'),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// One app per screen (home, lesson, run, inspector, knobs, compare, help, instructor, folded
/// lanes, exercise, hints).
fn every_screen() -> Vec<App> {
    let mut screens: Vec<App> = Vec::new();
    screens.push(app());
    let mut a = app();
    a.open_lesson(0);
    screens.push(a);
    let mut a = lesson_run();
    screens.push(lesson_run());
    key(&mut a, KeyCode::Char('t'));
    screens.push(a);
    let mut a = lesson_run();
    key(&mut a, KeyCode::Char('k'));
    screens.push(a);
    let mut a = lesson_run();
    a.restart();
    a.finish_runs();
    key(&mut a, KeyCode::Char('c'));
    screens.push(a);
    let mut a = lesson_run();
    key(&mut a, KeyCode::Char('?'));
    screens.push(a);
    let mut a = lesson_run();
    key(&mut a, KeyCode::Char('i'));
    key(&mut a, KeyCode::Char('z'));
    screens.push(a);
    let mut a = app();
    a.open_trace("many", many_tasks(120));
    screens.push(a);
    screens.push(exercise_app());
    let mut a = exercise_failing();
    for _ in 0..3 {
        key(&mut a, KeyCode::Char('h'));
    }
    screens.push(a);
    screens
}

/// The largest terminal the property covers.
const MAX_W: u16 = 400;
const MAX_H: u16 = 120;

/// Every screen draws at every small size (where layouts break) and at the corners of
/// 1×1…400×120 without panicking; the property test below covers the sizes in between.
#[test]
fn every_screen_renders_at_small_sizes_and_the_corners() {
    for app in &mut every_screen() {
        for w in 1..=30 {
            for h in 1..=12 {
                render(app, w, h);
            }
        }
        for (w, h) in [(1, MAX_H), (MAX_W, 1), (MAX_W, MAX_H), (80, 24)] {
            render(app, w, h);
        }
    }
}

proptest::proptest! {
    // A fixed seed and case count: the same sizes every run, on every machine.
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 48,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x5eed_7e57),
        failure_persistence: None,
        ..Default::default()
    })]
    #[test]
    fn every_screen_renders_at_any_size(
        w in 1..=MAX_W,
        h in 1..=MAX_H,
    ) {
        thread_local! {
            static SCREENS: std::cell::RefCell<Vec<App>> =
                std::cell::RefCell::new(every_screen());
        }
        SCREENS.with_borrow_mut(|screens| {
            for app in screens {
                render(app, w, h);
            }
        });
    }
}

/// What a learner would notice of a lesson view, apart from its layout.
fn playback_state(app: &mut App) -> String {
    let lv = &app.lv;
    let r = &lv.recordings[lv.current.unwrap()];
    format!(
        "cursor {} of {}, pos {:.0}, playing {}, speed {}, lane {}, lane_scroll {}, \
         zoom {}, pan {}, text scroll {}, focus_timeline {}, quit {}",
        r.cursor,
        r.events(),
        r.pos_ns,
        r.playing,
        r.speed,
        lv.lane,
        lv.lane_scroll,
        lv.zoom,
        lv.pan,
        lv.scroll,
        lv.focus_timeline,
        app.quit
    )
}

/// A storm of resizes (tiny, huge, back) while a replay plays changes nothing but the layout:
/// the same ticks leave the same playback state and, at the same size, the same screen as in
/// a twin that was never resized.
#[test]
fn a_resize_storm_while_playing_changes_only_the_layout() {
    let start = |app: &mut App| {
        key(app, KeyCode::Home);
        key(app, KeyCode::Char(' '));
        key(app, KeyCode::Down);
    };
    let mut stormed = lesson_run();
    let mut calm = lesson_run();
    // Both clocks start at the same instant: a tick before the keys' own `now` moves nothing.
    let t0 = Instant::now();
    start(&mut stormed);
    start(&mut calm);
    stormed.tick(t0);
    calm.tick(t0);
    assert!(
        stormed.lv.recordings[stormed.lv.current.unwrap()].playing,
        "Space plays the replay"
    );
    let sizes = [(1, 1), (400, 120), (3, 80), (250, 2), (80, 24), (19, 7)];
    for frame in 1..90u32 {
        let now = t0 + Duration::from_millis(33) * frame;
        stormed.tick(now);
        calm.tick(now);
        for &(w, h) in &sizes[..(frame as usize % sizes.len()) + 1] {
            stormed.on_event(crossterm::event::Event::Resize(w, h));
            render(&mut stormed, w, h);
        }
        render(&mut calm, 100, 30);
        assert_eq!(
            playback_state(&mut stormed),
            playback_state(&mut calm),
            "frame {frame}"
        );
    }
    let before = playback_state(&mut calm);
    assert!(before.contains("playing true"), "still playing: {before}");
    assert_eq!(render(&mut stormed, 100, 30), render(&mut calm, 100, 30));
}

/// The run compared with is shown whole with its real total, even when it was left paused
/// mid-replay (a sequential breakfast paused at 3u must not read as faster than together).
#[test]
fn compare_shows_the_paused_run_whole() {
    let mut app = lesson_run();
    let r = app.lv.recording_mut().unwrap();
    r.seek_ns(3e9);
    r.step(-1);
    assert!(r.cursor < r.events(), "paused mid-replay");
    key(&mut app, KeyCode::Char('k'));
    key(&mut app, KeyCode::Right);
    key(&mut app, KeyCode::Enter); // re-run with mode=together
    app.finish_runs();
    key(&mut app, KeyCode::Char('c'));
    let screen = render(&mut app, 160, 48);
    assert!(screen.contains("totals: A 3.00u vs B 5.00u"), "{screen}");
}

/// Paused early in a trace too big to rebuild at every step, the whole run stands in for the
/// view: the status column still says what each task did at the cursor, not how it ended.
#[test]
fn status_column_follows_the_cursor_on_a_big_trace() {
    let mut app = app();
    app.open_trace("big", many_tasks(40_000));
    let r = app.lv.recording_mut().unwrap();
    r.seek_ns(0.3e9);
    assert!(r.cursor < r.events());
    let screen = render(&mut app, 160, 48);
    assert!(screen.contains("event "), "{screen}");
    assert!(
        !screen.contains("ended 0.50u") && !screen.contains("done 0.50u"),
        "a task shown as ended before it did:\n{screen}"
    );
}

/// Lesson runs in the TUI are on the paused clock: what the code asked for, exactly.
#[test]
fn lesson_one_and_six_show_exact_figures() {
    let mut one = lesson_run();
    let screen = render(&mut one, 160, 48);
    assert!(screen.contains("5.00u"), "{screen}");
    assert!(screen.contains("virtual clock"), "{screen}");
    key(&mut one, KeyCode::Down); // coffee
    key(&mut one, KeyCode::Char('t'));
    let inspector = render(&mut one, 160, 48);
    assert!(inspector.contains("Sleep 3000 ms"), "{inspector}");
    assert!(!inspector.contains("3001"), "{inspector}");

    let mut six = app();
    six.open_lesson(5);
    key(&mut six, KeyCode::Enter); // run 1 asks where the retries start
    chars(&mut six, "3");
    six.finish_runs();
    let screen = render(&mut six, 160, 48);
    assert!(screen.contains("✓ right: 3) 0, 1, 3, 7"), "{screen}");
    assert!(!screen.contains("1.002"), "{screen}");
    snap("lesson06_retry_verdict", &mut six);
}

/// The asyncio ↔ tokio page is the last entry of the lesson list; Esc at home quits nothing.
#[test]
fn the_asyncio_page_opens_from_home_and_esc_never_quits() {
    let mut app = app();
    key(&mut app, KeyCode::Esc);
    assert!(!app.quit, "Esc at home must not quit");
    key(&mut app, KeyCode::End);
    let home = render(&mut app, 80, 24);
    assert!(home.contains("asyncio ↔ tokio"), "{home}");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.screen, Screen::Lesson);
    let page = render(&mut app, 80, 24);
    assert!(page.contains("From asyncio to tokio"), "{page}");
    assert!(!page.contains("Runs (1-9"), "a page has no runs: {page}");
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.screen, Screen::Home);
    key(&mut app, KeyCode::Char('q'));
    assert!(app.quit);
}

/// Lesson 07's deadlock: once the run has played, the line under the timeline names the
/// cycle, and `w` lists what the run found in the text export's sentences.
#[test]
fn the_deadlock_cycle_shows_under_the_run_and_in_the_findings_pane() {
    let mut app = app();
    app.open_lesson(6);
    chars(&mut app, "3"); // run 3: two locks taken in opposite order
    key(&mut app, KeyCode::Enter);
    chars(&mut app, "1"); // "does it deadlock?" yes
    let before = render(&mut app, 160, 48);
    assert!(
        !before.contains("⚠"),
        "nothing is told before the run has played"
    );
    app.finish_runs();
    key(&mut app, KeyCode::Esc); // close the verdicts
    let screen = render(&mut app, 160, 48);
    assert!(
        screen.contains("⚠ warning: deadlock: `transfer-ab` waits"),
        "{screen}"
    );
    chars(&mut app, "w");
    let text = asyncscope::export::text::render(
        app.lv.recording().unwrap().timeline(),
        160,
    );
    let cycle = text
        .lines()
        .find(|l| l.starts_with("warning: deadlock"))
        .expect("the text export names the cycle")
        .to_string();
    let pane = render(&mut app, 160, 48);
    assert!(pane.contains("findings"), "{pane}");
    // The pane wraps the same sentence the text export prints: its first words agree.
    let start: String = cycle.chars().take(50).collect();
    assert!(pane.contains(&start), "{start}\n{pane}");
    // tokio drops the two stuck tasks at shutdown in an order that depends on their task
    // ids, which other tests running in this process move: the last event line names
    // either one.
    for (w, h) in SIZES {
        let text = render(&mut app, w, h)
            .replace("transfer-ba released", "transfer-ab released");
        insta::assert_snapshot!(
            format!("lesson07_deadlock_findings_{w}x{h}"),
            text
        );
    }
    // At 80×24 the pane is shorter than its findings: PgDn reaches the values at the end.
    let small = render(&mut app, 80, 24);
    assert!(small.contains("PgDn more"), "{small}");
    assert!(!small.contains("transfers_done"), "{small}");
    key(&mut app, KeyCode::PageDown);
    key(&mut app, KeyCode::PageDown);
    let scrolled = render(&mut app, 80, 24);
    assert!(scrolled.contains("transfers_done: 0"), "{scrolled}");
    assert!(scrolled.contains("PgUp back"), "{scrolled}");
}

/// Instructor mode on a projector-sized terminal: the lanes grow to fill it (no screen of
/// blank rows), and H switches to bright greys.
#[test]
fn instructor_mode_fills_a_big_screen() {
    let mut app = lesson_run();
    key(&mut app, KeyCode::Char('i'));
    let big = render(&mut app, 200, 60);
    let idle_rows = big.lines().filter(|l| l.contains('░')).count();
    assert!(
        idle_rows >= 18,
        "three lanes of 6+ rows each: {idle_rows}\n{big}"
    );
    let blank_rows = big
        .lines()
        .filter(|l| l.trim_matches(['"', ' ']).is_empty())
        .count();
    assert!(blank_rows < 30, "{blank_rows} blank rows\n{big}");
    insta::assert_snapshot!("instructor_lesson01_200x60", big);
    // Mid-run, the pointer runs down the cursor's column and the moment is written large.
    for _ in 0..30 {
        key(&mut app, KeyCode::Left);
    }
    let mut term = Terminal::new(TestBackend::new(200, 60)).unwrap();
    term.draw(|f| tui::draw(f, &mut app)).unwrap();
    let buf = term.backend().buffer().clone();
    let mid = term.backend().to_string();
    // The pointer: under the axis's ▼, every lane row is ┊ or drawn reversed.
    let (cx, cy) = (0..60)
        .flat_map(|y| (0..200).map(move |x| (x, y)))
        .find(|&(x, y)| buf[(x, y)].symbol() == "▼")
        .expect("a cursor on the axis");
    let pointer_rows = (cy + 1..60)
        .filter(|&y| {
            let c = &buf[(cx, y)];
            c.symbol() == "┊"
                || c.modifier.contains(ratatui::style::Modifier::REVERSED)
        })
        .count();
    // At 3u two tasks have started (main, coffee): two lanes of 8 rows.
    assert!(
        pointer_rows >= 2 * 8,
        "the pointer crosses the lanes: {pointer_rows}\n{mid}"
    );
    let big_rows = mid.lines().filter(|l| l.contains('▟')).count();
    assert!(big_rows >= 3, "the moment in large type: {big_rows}\n{mid}");
    insta::assert_snapshot!("instructor_lesson01_200x60_mid_run", mid);
    key(&mut app, KeyCode::Char('H'));
    assert!(app.config.theme.contrast);
}

/// Every symbol a lesson or home screen draws is explained in its help, and the help of a
/// small terminal scrolls down to its last line.
#[test]
fn help_explains_every_symbol_on_screen_and_scrolls_at_80x24() {
    const SYMBOLS: [char; 12] =
        ['█', '╷', '▒', '░', '▓', '✓', '✕', '!', '◆', '▼', '▲', '⚠'];
    let help_of = |app: &mut App| {
        key(app, KeyCode::Char('?'));
        let text = render(app, 200, 90);
        key(app, KeyCode::Esc);
        text
    };
    let mut screens: Vec<(String, String)> = Vec::new();
    // Lesson 07's deadlock after a right prediction: ▲, ⚠, ✕, ◆ and the lanes.
    let mut app = app();
    app.open_lesson(6);
    chars(&mut app, "3");
    key(&mut app, KeyCode::Enter);
    chars(&mut app, "1");
    app.finish_runs();
    key(&mut app, KeyCode::Esc);
    for (w, h) in [(80, 24), (160, 48)] {
        screens.push((render(&mut app, w, h), help_of(&mut app)));
    }
    // Lesson 01's run 2, predicted: ▲ marks the 3u the first answer was about.
    let mut one = self::app();
    one.open_lesson(0);
    chars(&mut one, "2");
    key(&mut one, KeyCode::Enter);
    chars(&mut one, "3");
    key(&mut one, KeyCode::Enter);
    chars(&mut one, "2");
    one.finish_runs();
    key(&mut one, KeyCode::Esc);
    screens.push((render(&mut one, 160, 48), help_of(&mut one)));
    let mut home = self::app();
    screens.push((render(&mut home, 80, 24), help_of(&mut home)));
    let mut seen = Vec::new();
    for (screen, help) in &screens {
        for sym in SYMBOLS.iter().filter(|s| screen.contains(**s)) {
            assert!(
                help.contains(&format!(" {sym} ")),
                "{sym} is drawn but not explained:\n{help}"
            );
            seen.push(*sym);
        }
    }
    for expected in ['▲', '⚠', '✕', '◆', '░'] {
        assert!(seen.contains(&expected), "{expected} was never drawn");
    }

    let mut app = lesson_run();
    key(&mut app, KeyCode::Char('?'));
    let top = render(&mut app, 80, 24);
    assert!(top.contains("↑↓ PgUp PgDn scroll"), "{top}");
    assert!(!top.contains("tokio freed"), "{top}");
    key(&mut app, KeyCode::End);
    let bottom = render(&mut app, 80, 24);
    assert!(bottom.contains("tokio freed"), "the last entries: {bottom}");
    key(&mut app, KeyCode::Char('x'));
    assert!(matches!(app.overlay, Overlay::None));
}

/// Verdicts taller than an 80×24 screen scroll: the title says so, and the last
/// explanation can be reached.
#[test]
fn long_verdicts_scroll_at_80x24() {
    let mut app = app();
    app.open_lesson(14); // lesson 15: three questions on its first run
    let run = {
        let l = &app.lessons[14];
        (0..l.runs.len())
            .max_by_key(|r| {
                l.questions.iter().filter(|q| q.run == *r).count()
            })
            .unwrap()
    };
    chars(&mut app, &(run + 1).to_string());
    key(&mut app, KeyCode::Char('a'));
    while matches!(app.overlay, Overlay::Question(_)) {
        key(&mut app, KeyCode::Esc); // skipped: the answers are shown
    }
    app.finish_runs();
    let Overlay::Verdicts(v) = &app.overlay else {
        panic!("no verdicts")
    };
    let last =
        &app.lessons[14].questions[v.last().unwrap().question].explain;
    let last_words: String = last
        .split_whitespace()
        .rev()
        .take(2)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect::<Vec<_>>()
        .join(" ");
    let top = render(&mut app, 80, 24);
    assert!(top.contains("↑↓ scroll"), "{top}");
    for _ in 0..5 {
        key(&mut app, KeyCode::PageDown);
    }
    let bottom = render(&mut app, 80, 24);
    assert!(bottom.contains(&last_words), "{last_words}\n{bottom}");
}

/// Every mark can be read: `m` walks lesson 02's ping-pong marks one by one, in time order,
/// and the event line reads each; `M` walks back.
#[test]
fn every_mark_can_be_reached_and_read_with_m() {
    let mut app = app();
    app.open_lesson(1);
    key(&mut app, KeyCode::Enter);
    while matches!(app.overlay, Overlay::Question(_)) {
        key(&mut app, KeyCode::Esc); // skipped
    }
    app.finish_runs();
    key(&mut app, KeyCode::Esc); // the verdicts
    key(&mut app, KeyCode::Home);
    let marks: Vec<String> = app
        .lv
        .recording()
        .unwrap()
        .full
        .marks
        .iter()
        .map(|m| m.text.clone())
        .collect();
    assert!(
        marks.len() >= 4,
        "lesson 02 marks its pings and pongs: {marks:?}"
    );
    let mut read = Vec::new();
    for _ in 0..marks.len() {
        key(&mut app, KeyCode::Char('m'));
        let screen = render(&mut app, 160, 48);
        let said = app.lv.recording().unwrap().describe_cursor();
        let text = said.strip_prefix("mark: ").expect(&said).to_string();
        assert!(
            screen.contains(&said),
            "the event line reads {said}:\n{screen}"
        );
        read.push(text);
    }
    assert_eq!(read, marks);
    key(&mut app, KeyCode::Char('m'));
    assert_eq!(app.status.as_deref(), Some("no mark after this one"));
    key(&mut app, KeyCode::Char('M'));
    let back = app.lv.recording().unwrap().describe_cursor();
    assert_eq!(back, format!("mark: {}", marks[marks.len() - 2]));
}

/// Ten labelled fetches of 1u to 1.45u in one task: awaited together with `join_all`, or one
/// after another.
fn fetches_in_one_task(together: bool) -> Timeline {
    use asyncscope::scenarios::{
        Flavor, RunOptions, Scenario, run_scenario,
    };
    async fn joined(ctx: asyncscope::scenarios::Ctx) {
        let fetches = (0..10).map(|i| {
            let d = ctx.u(1.0 + i as f64 * 0.05);
            async move {
                let label = format!("fetch page {i}");
                asyncscope::probe::wait_on(&label, tokio::time::sleep(d))
                    .await
            }
        });
        futures::future::join_all(fetches).await;
    }
    async fn one_by_one(ctx: asyncscope::scenarios::Ctx) {
        for i in 0..10 {
            let d = ctx.u(1.0 + i as f64 * 0.05);
            let label = format!("fetch page {i}");
            asyncscope::probe::wait_on(&label, tokio::time::sleep(d)).await;
        }
    }
    let scenario = Scenario {
        id: "test",
        title: "fetches in one task",
        summary: "",
        knobs: vec![],
        limit_units: 60.0,
        flavor: |_| Flavor::CurrentThread,
        run: if together {
            |ctx, _| Box::pin(joined(ctx))
        } else {
            |ctx, _| Box::pin(one_by_one(ctx))
        },
    };
    let options = RunOptions {
        unit_ms: 1000.0,
        ..RunOptions::virtual_time()
    };
    Timeline::from_trace(&run_scenario(&scenario, &options).expect("runs"))
}

/// Concurrency inside one task shows: a `join_all` of ten fetches has one task lane but ten
/// overlapping sub-lanes under it, in the text export and on the exercise screen beside the
/// reference's ten tasks; the same fetches one after another share one sub-lane.
#[test]
fn join_all_shows_ten_overlapping_sub_lanes_beside_the_reference() {
    use asyncscope::view::waits::{peak, wait_rows, waits_of};
    let together = fetches_in_one_task(true);
    let root = together
        .tasks
        .iter()
        .position(|t| t.info.name.is_empty() || t.label() == "main");
    let root = root.expect("the root task") as u32;
    let rows = wait_rows(&together, root);
    assert_eq!(rows.len(), 10, "{rows:?}");
    assert!(rows.iter().all(|r| r.waits.len() == 1));
    assert_eq!(peak(&waits_of(&together, root)), 10);
    let text = asyncscope::export::text::render(&together, 120);
    let sub_lanes = text
        .lines()
        .filter(|l| l.trim_start().starts_with("↳ fetch page"))
        .count();
    assert_eq!(sub_lanes, 10, "{text}");

    let one_by_one = fetches_in_one_task(false);
    let rows = wait_rows(&one_by_one, root);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].name, "↳ fetch page ×10");
    assert_eq!(peak(&waits_of(&one_by_one, root)), 1);

    let mut app = exercise_app();
    app.ev.as_mut().unwrap().mine = Some(checked(
        true,
        vec![result(
            "waits_overlap",
            true,
            "10 `fetch page` waits were in flight at once",
        )],
        Some(together),
    ));
    app.references.insert(
        "fetch_all".into(),
        checked(true, vec![], Some(fetch_run(10, true))),
    );
    let screen = render(&mut app, 160, 48);
    let drawn = screen
        .lines()
        .filter(|l| l.contains("↳ fetch page"))
        .count();
    assert_eq!(drawn, 10, "{screen}");
    insta::assert_snapshot!("exercise_join_all_sub_lanes_160x48", screen);
}
