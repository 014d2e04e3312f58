//! Popups over a screen: the help, the verdicts on predictions, a question before a run and
//! the path of a trace to open. While one is open it takes every key (Ctrl-C still quits).

use super::help;

use crate::tui::app::{App, Asking, Overlay};
use crate::tui::keys::{self, ALWAYS, Binding, Key, bind};
use crate::tui::ui;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use std::path::Path;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scroll {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Close,
    Quit,
}

/// The help popup: any key it does not name closes it.
pub const HELP_BINDINGS: &[Binding<Scroll>] = &[
    bind(
        &[
            (Key::Code(KeyCode::Up), Scroll::Up),
            (Key::Code(KeyCode::Down), Scroll::Down),
            (Key::Code(KeyCode::PageUp), Scroll::PageUp),
            (Key::Code(KeyCode::PageDown), Scroll::PageDown),
            (Key::Code(KeyCode::Home), Scroll::Top),
            (Key::Code(KeyCode::End), Scroll::Bottom),
        ],
        "scroll",
    )
    .bar("scroll", 4, ALWAYS),
    bind(&[(Key::Char('q'), Scroll::Quit)], "quit").bar("quit", 1, ALWAYS),
];

/// The verdicts popup.
pub const VERDICT_BINDINGS: &[Binding<Scroll>] = &[
    bind(
        &[
            (Key::Code(KeyCode::Up), Scroll::Up),
            (Key::Code(KeyCode::Down), Scroll::Down),
            (Key::Code(KeyCode::PageUp), Scroll::PageUp),
            (Key::Code(KeyCode::PageDown), Scroll::PageDown),
        ],
        "scroll",
    )
    .bar("scroll", 2, ALWAYS),
    bind(
        &[
            (Key::Code(KeyCode::Esc), Scroll::Close),
            (Key::Code(KeyCode::Enter), Scroll::Close),
            (Key::Char(' '), Scroll::Close),
        ],
        "close",
    )
    .bar("closes", 1, ALWAYS),
    bind(&[(Key::Char('q'), Scroll::Quit)], "quit"),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prompt {
    Submit,
    Skip,
    Erase,
}

/// A typed answer or a path: every other key is typed.
pub const PROMPT_BINDINGS: &[Binding<Prompt>] = &[
    bind(&[(Key::Code(KeyCode::Enter), Prompt::Submit)], "answer"),
    bind(&[(Key::Code(KeyCode::Esc), Prompt::Skip)], "skip"),
    bind(&[(Key::Code(KeyCode::Backspace), Prompt::Erase)], "erase"),
];

/// How a popup says its keys: each of its bar entries, as `"↑↓ PgUp PgDn scroll"`.
pub fn key_words(bindings: &[Binding<Scroll>]) -> Vec<String> {
    keys::bar_entries(bindings, ALWAYS)
        .into_iter()
        .map(|(k, w)| format!("{k} {w}"))
        .collect()
}

/// Give `k` to the open popup, if there is one. True if a popup took it.
pub fn on_key(app: &mut App, k: &KeyEvent) -> bool {
    match std::mem::replace(&mut app.overlay, Overlay::None) {
        Overlay::None => return false,
        Overlay::Help(scroll) => {
            let most = help_lines(app);
            match keys::lookup(HELP_BINDINGS, k).map(|(a, _)| a) {
                Some(Scroll::Quit) => app.quit = true,
                Some(a) => {
                    app.overlay =
                        Overlay::Help(scrolled(scroll, a).min(most))
                }
                // Any other key closes the help.
                None => {}
            }
        }
        Overlay::Verdicts(v) => {
            match keys::lookup(VERDICT_BINDINGS, k).map(|(a, _)| a) {
                Some(Scroll::Close) => {}
                Some(Scroll::Quit) => {
                    app.overlay = Overlay::Verdicts(v);
                    app.quit = true;
                }
                other => {
                    if let Some(a) = other {
                        app.verdict_scroll =
                            scrolled(app.verdict_scroll, a).min(200);
                    }
                    app.overlay = Overlay::Verdicts(v);
                }
            }
        }
        Overlay::Question(a) => question_key(app, a, k),
        Overlay::Open(mut path) => {
            match keys::lookup(PROMPT_BINDINGS, k).map(|(a, _)| a) {
                Some(Prompt::Skip) => {}
                Some(Prompt::Submit) => {
                    if let Err(e) = app.open_file(Path::new(path.trim())) {
                        app.status = Some(e);
                    }
                }
                Some(Prompt::Erase) => {
                    path.pop();
                    app.overlay = Overlay::Open(path);
                }
                None => {
                    if let KeyCode::Char(c) = k.code {
                        path.push(c);
                    }
                    app.overlay = Overlay::Open(path);
                }
            }
        }
    }
    true
}

fn scrolled(at: u16, how: Scroll) -> u16 {
    match how {
        Scroll::Up => at.saturating_sub(1),
        Scroll::Down => at.saturating_add(1),
        Scroll::PageUp => at.saturating_sub(10),
        Scroll::PageDown => at.saturating_add(10),
        Scroll::Top => 0,
        Scroll::Bottom => u16::MAX,
        Scroll::Close | Scroll::Quit => at,
    }
}

/// How many lines the help of the current screen has (its scroll stops there).
fn help_lines(app: &App) -> u16 {
    ui::help::lines(&app.config.theme, &help(app)).len() as u16
}

fn question_key(app: &mut App, mut a: Asking, k: &KeyEvent) {
    let Some(q) = app
        .lesson()
        .and_then(|l| l.questions.get(a.queue[0]))
        .cloned()
    else {
        return;
    };
    let typed = match keys::lookup(PROMPT_BINDINGS, k).map(|(p, _)| p) {
        Some(Prompt::Skip) => return app.answer_question(a, None),
        Some(Prompt::Submit) if q.choices.is_empty() => {
            Some(a.input.clone())
        }
        Some(Prompt::Erase) => {
            a.input.pop();
            None
        }
        Some(Prompt::Submit) => None,
        // A choice is its key's position, read by the same rule as the CLI's.
        None => match k.code {
            KeyCode::Char(c) if !q.choices.is_empty() => {
                Some(c.to_string())
            }
            KeyCode::Char(c) => {
                a.input.push(c);
                a.problem = None;
                None
            }
            _ => None,
        },
    };
    if let Some(text) = typed {
        match q.read(&text) {
            Ok(given) => return app.answer_question(a, Some(given)),
            Err(problem) => a.problem = Some(problem),
        }
    }
    app.overlay = Overlay::Question(a);
}

/// Draw the open popup over `body`.
pub fn draw(f: &mut Frame, body: Rect, app: &App) {
    match &app.overlay {
        Overlay::None => {}
        Overlay::Help(scroll) => ui::help::overlay(
            f,
            body,
            &app.config.theme,
            &help(app),
            *scroll,
            &format!(
                "{} · any other key closes this help",
                key_words(HELP_BINDINGS).join(" · ")
            ),
        ),
        Overlay::Question(a) => ui::lesson::question(f, body, app, a),
        Overlay::Verdicts(v) => {
            let words = key_words(VERDICT_BINDINGS);
            let keys = ui::lesson::Keys {
                scroll: &words[0],
                close: &words[1],
            };
            ui::lesson::verdicts(f, body, app, v, &keys)
        }
        Overlay::Open(path) => ui::open_prompt(f, body, app, path),
    }
}
