//! Lessons 01, 07 (the deadlock) and 15 with every popup and side panel, at 80×24 (the
//! smallest screen) and at 200×60 in instructor mode (a projector): one snapshot per lesson
//! and size, a frame per popup. Each frame is also checked: a popup fits whole (its top and
//! bottom borders are on screen), and the key bar still offers help.
//!
//! Its own test binary: tokio frees leftover tasks in an order that depends on task ids, which
//! other tests in the same process would move.

mod screen;

use asyncscope::tui::app::{App, Overlay};
use crossterm::event::KeyCode;
use screen::{app, chars, key, render};

/// Is a bordered popup drawn whole: a top-left and a bottom-left corner in one column?
fn popup_whole(frame: &str) -> bool {
    let rows: Vec<Vec<char>> =
        frame.lines().map(|l| l.chars().collect()).collect();
    rows.iter().enumerate().any(|(y, row)| {
        row.iter().enumerate().any(|(x, c)| {
            *c == '┌'
                && rows[y + 1..].iter().any(|r| r.get(x) == Some(&'└'))
        })
    })
}

/// Lesson `lesson`'s run `run` (1-based, the key that chooses it) with every popup.
fn frames(
    lesson: usize,
    run: usize,
    w: u16,
    h: u16,
    instructor: bool,
) -> String {
    let mut app = app();
    app.open_lesson(lesson);
    if instructor {
        key(&mut app, KeyCode::Char('i'));
    }
    let mut out = String::new();
    let mut frame = |app: &mut App, name: &str, popup: bool| {
        let text = render(app, w, h);
        let bar = text.lines().last().unwrap_or_default();
        assert!(
            bar.contains("? help"),
            "{name}: the key bar lost `? help`:\n{text}"
        );
        if popup {
            assert!(
                popup_whole(&text),
                "{name}: the popup does not fit:\n{text}"
            );
        }
        out.push_str(&format!("── {name} ──\n{text}\n"));
    };
    frame(&mut app, "the lesson", false);
    chars(&mut app, &run.to_string());
    key(&mut app, KeyCode::Char('a'));
    assert!(matches!(app.overlay, Overlay::Question(_)));
    frame(&mut app, "a question before the run", true);
    while matches!(app.overlay, Overlay::Question(_)) {
        key(&mut app, KeyCode::Esc); // skipped: the verdicts show the answers
    }
    app.finish_runs();
    assert!(matches!(app.overlay, Overlay::Verdicts(_)));
    frame(&mut app, "the verdicts", true);
    key(&mut app, KeyCode::Esc);
    frame(&mut app, "the run played", false);
    key(&mut app, KeyCode::Char('t'));
    frame(&mut app, "the inspector (t)", false);
    key(&mut app, KeyCode::Char('w'));
    frame(&mut app, "the findings (w)", false);
    key(&mut app, KeyCode::Char('k'));
    frame(&mut app, "the knobs (k)", false);
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('?'));
    frame(&mut app, "the help (?)", true);
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('o'));
    frame(&mut app, "open a trace (o)", true);
    key(&mut app, KeyCode::Esc);
    // tokio drops the deadlocked transfers at shutdown in task-id order; name one either way.
    let out = out.replace("transfer-ba released", "transfer-ab released");
    without_root_line(&out)
}

/// The root task is spawned inside asyncscope (`crates/asyncscope-kit/src/run.rs:LINE:COL`): its line moves
/// with any edit there, which is not what these snapshots are about.
fn without_root_line(text: &str) -> String {
    const AT: &str = "src/run.rs:";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(AT) {
        out.push_str(&rest[..i + AT.len()]);
        rest = &rest[i + AT.len()..];
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == ':'))
            .unwrap_or(rest.len());
        // Keep the width: the frame's columns stay where they were.
        out.push_str(&"·".repeat(digits));
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

#[test]
fn lessons_01_07_15_with_every_popup_at_80x24_and_on_a_projector() {
    // Lesson 01's run 2 asks two questions; lesson 07's run 3 deadlocks; lesson 15's run 1
    // asks three.
    for (lesson, run, id) in [(0, 2, "01"), (6, 3, "07"), (14, 1, "15")] {
        insta::assert_snapshot!(
            format!("lesson{id}_80x24"),
            frames(lesson, run, 80, 24, false)
        );
        insta::assert_snapshot!(
            format!("lesson{id}_200x60_instructor"),
            frames(lesson, run, 200, 60, true)
        );
    }
}
