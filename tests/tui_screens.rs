//! Snapshots of every TUI screen (ratatui's TestBackend + insta), at 80×24 and 160×48.
//! Runs use virtual time and wall-clock figures are hidden, so every snapshot is exact.

use asyncscope::trace::{
    Clock, Event, EventKind, Header, TaskInfo, TaskKind, ThreadInfo, Trace,
};
use asyncscope::tui::app::{App, Config, Overlay, Side};
use asyncscope::tui::ui;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

fn render(app: &mut App, w: u16, h: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| ui::draw(f, app)).unwrap();
    term.backend().to_string()
}

fn key(app: &mut App, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn chars(app: &mut App, s: &str) {
    for c in s.chars() {
        key(app, KeyCode::Char(c));
    }
}

fn app() -> App {
    App::new(Config::for_tests())
}

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

/// Every screen draws at every size from 1×1 to 200×60 without panicking.
#[test]
fn every_screen_renders_at_every_size() {
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
    for app in &mut screens {
        for w in (1..=200).step_by(7).chain([80, 200]) {
            for h in (1..=60).step_by(5).chain([24, 60]) {
                render(app, w, h);
            }
        }
    }
}
