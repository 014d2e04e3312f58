//! Frame time of the TUI's timeline: 10,000 tasks, 1,000,000 events, drawn with ratatui's
//! TestBackend at 200×60. Prints the median of 20 frames for: redraws with nothing changed
//! (lane rows come from the cache), frames moving the selection, and frames after a zoom
//! (every visible row recomputed), with the inspector and with the findings pane open,
//! folded and unfolded.
//!
//! cargo bench --bench tui_render

use asyncscope::trace::{
    Clock, Event, EventKind, Header, TaskInfo, TaskKind, ThreadInfo, Trace,
};
use asyncscope::tui;
use asyncscope::tui::app::{App, Config};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::time::{Duration, Instant};

const TASKS: u32 = 10_000;
const EVENTS_PER_TASK: u32 = 100;

fn trace() -> Trace {
    let mut h = Header::new("bench", Clock::Real, 1000.0);
    h.title = "10,000 tasks".into();
    let mut t = Trace::empty(h);
    t.threads.push(ThreadInfo {
        idx: 0,
        name: "worker".into(),
    });
    let polls = (EVENTS_PER_TASK - 2) / 2;
    let mut events = Vec::with_capacity((TASKS * EVENTS_PER_TASK) as usize);
    for i in 0..TASKS {
        t.tasks.push(TaskInfo {
            idx: i,
            tokio_id: i as u64 + 1,
            name: format!(
                "{} {i}",
                ["fetch", "parse", "store"][i as usize % 3]
            ),
            kind: TaskKind::Task,
            spawned_at: None,
            parent: None,
            probe: false,
        });
        // Spread over 10 s of wall clock; each task lives about 2 s.
        let start = i as u64 * 800_000;
        let e = |k, at: u64| Event::new(k, at, 0, i, 0);
        events.push(e(EventKind::TaskSpawn, start));
        for p in 0..polls as u64 {
            let at = start + 10_000 + p * 40_000_000;
            events.push(e(EventKind::PollStart, at));
            events.push(e(EventKind::PollEnd, at + 5_000));
        }
        events.push(e(
            EventKind::TaskClose,
            start + polls as u64 * 40_000_000,
        ));
    }
    events.sort_by_key(|e| e.wall_ns);
    t.events = events;
    t
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn frames(
    term: &mut Terminal<TestBackend>,
    app: &mut App,
    mut before: impl FnMut(&mut App, usize),
) -> Duration {
    let mut times = Vec::new();
    for i in 0..20 {
        before(app, i);
        let t0 = Instant::now();
        term.draw(|f| tui::draw(f, app)).unwrap();
        times.push(t0.elapsed());
    }
    median(times)
}

fn key(app: &mut App, c: KeyCode) {
    app.on_key(KeyEvent::new(c, KeyModifiers::NONE));
}

fn main() {
    let t0 = Instant::now();
    let trace = trace();
    println!(
        "trace: {} tasks, {} events (built in {:.0?})",
        trace.tasks.len(),
        trace.events.len(),
        t0.elapsed()
    );
    let mut config = Config::for_tests();
    config.redact_wall = false;
    let mut app = App::new(config);
    let t0 = Instant::now();
    app.open_trace("bench", trace);
    println!("timeline built once when loaded: {:.0?}", t0.elapsed());
    let mut term = Terminal::new(TestBackend::new(200, 60)).unwrap();

    for fold in [true, false] {
        app.lv.fold = Some(fold);
        let what = if fold {
            "folded (3 groups)"
        } else {
            "unfolded (10,000 lanes)"
        };
        let t0 = Instant::now();
        term.draw(|f| tui::draw(f, &mut app)).unwrap();
        println!(
            "{what}: first frame {:.2?} (rows computed)",
            t0.elapsed()
        );
        let idle = frames(&mut term, &mut app, |_, _| {});
        println!("{what}: redraw, nothing changed: median {idle:.2?}");
        let sel = frames(&mut term, &mut app, |a, _| key(a, KeyCode::Down));
        println!("{what}: moving the selection:   median {sel:.2?}");
        let zoom = frames(&mut term, &mut app, |a, i| {
            key(
                a,
                if i % 2 == 0 {
                    KeyCode::Char('z')
                } else {
                    KeyCode::Char('x')
                },
            )
        });
        println!("{what}: after a zoom change:    median {zoom:.2?}");
        let inspect = frames(&mut term, &mut app, |a, i| {
            if i == 0 {
                key(a, KeyCode::Char('t'));
            }
            key(a, KeyCode::Down)
        });
        key(&mut app, KeyCode::Esc);
        println!("{what}: with the inspector open: median {inspect:.2?}");
        // The findings pane: its sentences are computed once per run, then only drawn.
        key(&mut app, KeyCode::Char('w'));
        let t0 = Instant::now();
        term.draw(|f| tui::draw(f, &mut app)).unwrap();
        let first = t0.elapsed();
        let findings =
            frames(&mut term, &mut app, |a, _| key(a, KeyCode::Down));
        key(&mut app, KeyCode::Esc);
        println!(
            "{what}: with the findings open:  median {findings:.2?} (first {first:.2?})"
        );
    }
}
