//! Helpers shared by the TUI screen tests: an app on test settings, keys typed into it, and
//! frames rendered on ratatui's TestBackend.
#![allow(dead_code)]

use asyncscope::tui;
use asyncscope::tui::app::{App, Config};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// The app on test settings: virtual time, wall-clock figures hidden, nothing saved.
pub fn app() -> App {
    App::new(Config::for_tests())
}

/// One frame, as text.
pub fn render(app: &mut App, w: u16, h: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| tui::draw(f, app)).unwrap();
    term.backend().to_string()
}

pub fn key(app: &mut App, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}

/// Type `s`, one key a character.
pub fn chars(app: &mut App, s: &str) {
    for c in s.chars() {
        key(app, KeyCode::Char(c));
    }
}
