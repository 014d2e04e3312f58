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

pub fn overlay(f: &mut Frame, area: Rect, app: &App) {
    let t = &app.config.theme;
    let keys = match app.screen {
        Screen::Home => HOME_KEYS,
        Screen::Lesson => LESSON_KEYS,
        Screen::Exercise => EXERCISE_KEYS,
    };
    let kw = keys
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(4);
    let mut lines: Vec<Line> = keys
        .iter()
        .map(|(k, what)| {
            Line::from(vec![
                Span::styled(format!(" {k:<kw$}  "), t.key()),
                Span::raw(what.to_string()),
            ])
        })
        .collect();
    lines.push(Line::from(Span::styled(
        if app.screen == Screen::Exercise {
            " the mouse: the wheel scrolls the text; the file is re-checked when saved"
        } else {
            " the mouse: click a lane to select it, again to inspect; the wheel scrolls"
        },
        t.dim(),
    )));
    lines.push(Line::from(Span::styled(
        " any key closes this help",
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
