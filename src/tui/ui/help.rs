//! Every key of each screen: the help overlay lists them all, the key bar the main ones.

use crate::tui::app::{App, Screen, Side};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

pub const HOME_KEYS: &[(&str, &str)] = &[
    ("↑ ↓", "choose a lesson (or an exercise)"),
    ("Tab ← →", "switch between lessons and exercises"),
    (
        "Enter",
        "open the lesson, or the exercise (checks, hints, timelines)",
    ),
    ("o", "open a saved trace file"),
    ("?", "this help"),
    ("q Ctrl-C", "quit"),
];

pub const LESSON_KEYS: &[(&str, &str)] = &[
    (
        "Enter r",
        "run the chosen run (predict first when it has a question)",
    ),
    ("a", "ask the chosen run's questions again, answered or not"),
    ("1-9", "choose which of the lesson's runs"),
    ("Space", "pause / play"),
    ("← →", "step one event back / forward"),
    (
        "[ ] S-← S-→",
        "scrub back / forward (a twentieth of the run)",
    ),
    ("Home End", "go to the start / the end of the run"),
    ("- +", "playback speed, 0.1× to 10×"),
    ("p", "replay from the start"),
    ("Tab", "move between the text and the timeline"),
    ("↑ ↓", "select a lane (timeline) or scroll the text"),
    ("PgUp PgDn", "scroll the lesson text"),
    ("t", "inspect the selected task (click a lane twice)"),
    (
        "w",
        "findings: warnings (deadlock, leaks…), heartbeat lag, values",
    ),
    ("z x", "zoom in / out around the cursor"),
    ("< >", "pan the zoomed timeline"),
    ("f", "fold lanes by name (automatic above 100 tasks)"),
    ("k", "knobs: change a value, Enter re-runs"),
    ("c", "compare with the previous run, on one time axis"),
    ("i", "instructor mode: big timeline; asks all, records none"),
    ("H", "high contrast: bright greys, for a projector"),
    ("R", "restart: run the scenario again"),
    ("s", "save the trace (asyncscope --open FILE loads it)"),
    ("o", "open a saved trace file"),
    (
        "Esc",
        "close a panel, leave compare or instructor mode, back",
    ),
    ("?", "this help"),
    ("q", "quit"),
];

pub const EXERCISE_KEYS: &[(&str, &str)] = &[
    (
        "r",
        "check again (it also re-checks when you save the file)",
    ),
    ("h", "show the next hint (gentle first, explicit last)"),
    ("↑ ↓", "scroll the instructions, checks and hints"),
    ("PgUp PgDn", "scroll by a page"),
    ("Home End", "go to the top / the bottom"),
    ("l", "open the lesson the exercise follows"),
    ("o", "open a saved trace file"),
    ("Esc", "back home"),
    ("?", "this help"),
    ("q", "quit"),
];

const KNOB_KEYS: &[(&str, &str)] = &[
    ("↑↓", "knob"),
    ("←→", "value"),
    ("Enter", "re-run"),
    ("Esc", "close"),
];

/// The keys the bar shows for what is on screen.
fn bar_keys(app: &App) -> &'static [(&'static str, &'static str)] {
    match app.screen {
        Screen::Home => &[
            ("↑↓", "choose"),
            ("Tab", "lessons/exercises"),
            ("Enter", "open"),
            ("o", "open trace"),
            ("?", "help"),
            ("q", "quit"),
        ],
        Screen::Exercise => &[
            ("r", "check"),
            ("h", "hint"),
            ("↑↓ PgDn", "scroll"),
            ("l", "lesson"),
            ("Esc", "home"),
            ("?", "help"),
            ("q", "quit"),
        ],
        Screen::Lesson if app.lv.side == Side::Knobs => KNOB_KEYS,
        Screen::Lesson if app.instructor => &[
            ("Space", "play/pause"),
            ("←→", "step"),
            ("[]", "scrub"),
            ("-+", "speed"),
            ("p", "replay"),
            ("R", "restart"),
            ("t", "inspect"),
            ("i", "exit"),
            ("?", "help"),
        ],
        Screen::Lesson if app.lv.recordings.is_empty() => &[
            ("Enter", "run"),
            ("1-9", "which run"),
            ("↑↓ PgDn", "scroll"),
            ("k", "knobs"),
            ("i", "instructor"),
            ("Esc", "home"),
            ("?", "help"),
            ("q", "quit"),
        ],
        Screen::Lesson => &[
            ("Space", "play"),
            ("←→", "step"),
            ("[]", "scrub"),
            ("-+", "speed"),
            ("Tab", "focus"),
            ("t", "inspect"),
            ("k", "knobs"),
            ("c", "compare"),
            ("Enter", "run"),
            ("?", "help"),
        ],
    }
}

pub fn key_bar(f: &mut Frame, area: Rect, app: &App) {
    let t = &app.config.theme;
    let mut spans = Vec::new();
    let mut used = 0usize;
    let w = area.width as usize;
    for (k, what) in bar_keys(app) {
        let len = k.chars().count() + what.chars().count() + 2;
        if used + len > w {
            break;
        }
        spans.push(Span::styled(k.to_string(), t.key()));
        spans.push(Span::raw(format!(" {what} ")));
        used += len;
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// What each symbol drawn on the lesson and home screens means.
pub const LESSON_SYMBOLS: &[(&str, &str)] = &[
    ("█", "running: polled for most of the column"),
    ("╷", "a brief poll (less than half the column)"),
    ("▒", "scheduled: woken, waiting for a thread"),
    ("░", "idle: waiting (the lane line says on what)"),
    ("▓", "blocking: spawn_blocking work on the blocking pool"),
    ("✓", "done (completed)"),
    ("✕", "cancelled: dropped at an .await"),
    ("!", "panicked"),
    ("◆", "a mark (◆2: two marks in one column)"),
    ("▼", "the cursor: the last event shown"),
    ("▲", "the moment your prediction was about"),
    ("⚠", "a finding of the run (w lists them all)"),
    ("released", "tokio freed the task's memory"),
];

pub const HOME_SYMBOLS: &[(&str, &str)] = &[
    ("✓", "lesson done: read, questions right, exercises passed"),
    ("·", "read, or an exercise not tried yet"),
    ("✗", "an exercise tried, not passed yet"),
    ("Q 1/3", "questions answered right, of the lesson's"),
    ("ex 0/1", "exercises passed, of the lesson's"),
];

/// More lines than any help has: bounds the scroll.
pub const MAX_LINES: u16 = 80;

/// The help of the current screen as lines: keys, then what the symbols mean.
pub fn lines(app: &App) -> Vec<Line<'static>> {
    let t = &app.config.theme;
    let (keys, symbols) = match app.screen {
        Screen::Home => (HOME_KEYS, HOME_SYMBOLS),
        Screen::Lesson => (LESSON_KEYS, LESSON_SYMBOLS),
        Screen::Exercise => (EXERCISE_KEYS, LESSON_SYMBOLS),
    };
    let kw = keys
        .iter()
        .chain(symbols)
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(4);
    let entry = |(k, what): &(&str, &str)| {
        Line::from(vec![
            Span::styled(format!(" {k:<kw$}  "), t.key()),
            Span::raw(what.to_string()),
        ])
    };
    let mut lines: Vec<Line> = keys.iter().map(entry).collect();
    lines.push(Line::from(Span::styled(" what you see", t.heading())));
    lines.extend(symbols.iter().map(entry));
    lines.push(Line::from(Span::styled(
        if app.screen == Screen::Exercise {
            " the mouse: the wheel scrolls the text; the file is re-checked when saved"
        } else {
            " the mouse: click a lane to select it, again to inspect; the wheel scrolls"
        },
        t.dim(),
    )));
    lines
}

pub fn overlay(f: &mut Frame, area: Rect, app: &App, scroll: u16) {
    let t = &app.config.theme;
    let mut lines = lines(app);
    let room = area.height.saturating_sub(3) as usize;
    let fits = lines.len() < room;
    let scroll = if fits {
        0
    } else {
        (scroll as usize).min(lines.len().saturating_sub(room))
    };
    lines.drain(..scroll);
    lines.truncate(if fits { lines.len() } else { room });
    lines.push(Line::from(Span::styled(
        if fits {
            " any key closes this help"
        } else {
            " ↑↓ PgUp PgDn scroll · any other key closes this help"
        },
        t.dim(),
    )));
    let h = (lines.len() as u16 + 2).min(area.height);
    let r = super::popup(f, area, 86, h);
    let title = match app.screen {
        Screen::Home => " keys: home ",
        Screen::Lesson => " keys: lesson and timeline ",
        Screen::Exercise => " keys: exercise ",
    };
    f.render_widget(
        Paragraph::new(lines)
            .block(Block::bordered().title(Span::styled(title, t.title()))),
        r,
    );
}
