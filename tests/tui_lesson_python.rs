//! `y` on the lesson screen: a lesson run's asyncio twin (the lesson's Python file) is
//! recorded and compared with the tokio run on one time axis; without a Python, or without a
//! twin, the status line says why. Snapshots at 80×24 and 160×48, on the virtual clock with
//! wall-clock figures hidden; the Python version in the run's title is normalised.
//!
//! Needs `python3` (3.9 or newer) on PATH.

mod screen;

use asyncscope::tui::app::App;
use crossterm::event::KeyCode;
use screen::{app, chars, key, render};

/// "Python 3.11.7" reads "Python 3.x.y ": the machine's version is no part of the picture.
fn normalised(frame: &str) -> String {
    let mut out = String::new();
    let mut rest = frame;
    while let Some(at) = rest.find("Python 3.") {
        let tail = &rest[at + "Python 3.".len()..];
        let len = tail
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(tail.len());
        // As wide as the version was, so the columns after it stay put.
        out += &format!("{}Python 3.{:<len$}", &rest[..at], "x.y");
        rest = &tail[len..];
    }
    out + rest
}

/// Lesson 01 with run 2 (breakfast together) chosen and `y` pressed, everything finished.
fn twin_compared() -> App {
    let mut app = app();
    app.open_lesson(0);
    chars(&mut app, "2");
    key(&mut app, KeyCode::Char('y'));
    app.finish_runs();
    app
}

#[test]
fn y_records_the_asyncio_twin_and_compares_it_with_the_tokio_run() {
    let mut app = twin_compared();
    let lv = &app.lv;
    assert!(lv.compare, "{:?}", app.status);
    let labels: Vec<&str> =
        lv.recordings.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(labels, ["run 2 · together", "asyncio · run 2 · together"]);
    assert_eq!(lv.current, Some(1));
    assert_eq!(lv.partner(), Some(0));
    let asyncio = &lv.recordings[1].full;
    assert_eq!(asyncio.header.runtime.as_deref(), Some("asyncio"));
    // The same 3u on both sides, toast done at 2u in both.
    for r in &lv.recordings {
        let tl = &r.full;
        assert_eq!(tl.units(tl.finish_stamp().rt_ns), 3.0, "{}", r.label);
        let toast = tl.task("toast").unwrap().ended.unwrap();
        assert_eq!(tl.units(toast.rt_ns), 2.0, "{}", r.label);
    }
    for (w, h) in [(80, 24), (160, 48)] {
        let frame = normalised(&render(&mut app, w, h));
        assert!(frame.contains("totals: A 3.00u vs B 3.00u"), "{frame}");
        insta::assert_snapshot!(format!("asyncio_compare_{w}x{h}"), frame);
    }
    // c leaves compare, and comes back to the same pair.
    key(&mut app, KeyCode::Char('c'));
    assert!(!app.lv.compare);
    key(&mut app, KeyCode::Char('c'));
    assert!(app.lv.compare);
    assert_eq!(app.lv.partner(), Some(0));
}

#[test]
fn y_pairs_with_the_run_it_twins_not_the_last_one() {
    let mut app = app();
    app.open_lesson(0);
    // Runs 1 and 3 first: the twin of run 1 is compared with run 1, not with run 3.
    chars(&mut app, "1");
    app.start_lesson_run(0);
    app.start_lesson_run(2);
    app.finish_runs();
    chars(&mut app, "1");
    key(&mut app, KeyCode::Char('y'));
    app.finish_runs();
    let lv = &app.lv;
    assert_eq!(lv.recordings.len(), 3, "run 1 was not started again");
    assert_eq!(lv.current, Some(2));
    assert_eq!(lv.partner(), Some(0));
    assert_eq!(lv.recordings[0].label, "run 1 · one after another");
}

#[test]
fn without_python_or_a_twin_the_status_line_says_why() {
    let mut app = app();
    app.python = Some("/nonexistent/python3".into());
    app.open_lesson(0);
    key(&mut app, KeyCode::Char('y'));
    let said = app.status.clone().unwrap_or_default();
    assert!(
        said.starts_with("the asyncio side cannot run: /nonexistent/python3 does not exist")
            && said.contains("install Python 3.9 or newer"),
        "{said}"
    );
    assert!(app.lv.recordings.is_empty(), "nothing ran");
    let frame = render(&mut app, 160, 48);
    assert!(frame.contains("the asyncio side cannot run"), "{frame}");

    // Lesson 06's breaker run (4) has no asyncio twin.
    let mut app = self::app();
    let six = app.lessons.iter().position(|l| l.id == "06").unwrap();
    app.open_lesson(six);
    chars(&mut app, "4");
    key(&mut app, KeyCode::Char('y'));
    assert_eq!(
        app.status.as_deref(),
        Some(
            "run 4 has no asyncio twin: choose another run with its number"
        )
    );
}

#[test]
fn the_key_is_in_the_help_and_the_key_bar() {
    let mut app = app();
    app.open_lesson(0);
    let bar = render(&mut app, 160, 48);
    assert!(bar.lines().last().unwrap().contains("y asyncio"), "{bar}");
    key(&mut app, KeyCode::Char('?'));
    let help = render(&mut app, 160, 48);
    assert!(
        help.contains("run the chosen run's asyncio twin (Python) beside its tokio run"),
        "{help}"
    );
}
