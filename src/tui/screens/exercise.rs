//! The exercise screen: the learner's checks and timeline beside the reference's, hints.

use super::Component;
use super::situation::EXERCISE;
use crate::tui::app::{App, Screen};
use crate::tui::keys::{Binding, Key, bind};
use crate::tui::ui;
use crossterm::event::KeyCode;
use ratatui::Frame;
use ratatui::layout::Rect;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Check,
    Hint,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Lesson,
    Back,
}

pub struct Exercise;

impl Component for Exercise {
    type Action = Action;
    const TITLE: &'static str = " keys: exercise ";
    const BINDINGS: &'static [Binding<Action>] = &[
        bind(
            &[(Key::Char('r'), Action::Check)],
            "check again (it also re-checks when you save the file)",
        )
        .bar("check", 1, EXERCISE),
        bind(
            &[(Key::Char('h'), Action::Hint)],
            "show the next hint (gentle first, explicit last)",
        )
        .bar("hint", 1, EXERCISE),
        bind(
            &[
                (Key::Code(KeyCode::Up), Action::Up),
                (Key::Code(KeyCode::Down), Action::Down),
            ],
            "scroll the instructions, checks and hints",
        )
        .bar("scroll", 2, EXERCISE),
        bind(
            &[
                (Key::Code(KeyCode::PageUp), Action::PageUp),
                (Key::Code(KeyCode::PageDown), Action::PageDown),
            ],
            "scroll by a page",
        ),
        bind(
            &[
                (Key::Code(KeyCode::Home), Action::Top),
                (Key::Code(KeyCode::End), Action::Bottom),
            ],
            "go to the top / the bottom",
        ),
        bind(
            &[(Key::Char('l'), Action::Lesson)],
            "open the lesson the exercise follows",
        )
        .bar("lesson", 1, EXERCISE),
        bind(&[(Key::Code(KeyCode::Esc), Action::Back)], "back home")
            .bar("home", 1, EXERCISE),
    ];

    fn act(app: &mut App, action: Action, _: u8) {
        let Some(ev) = app.ev.as_mut() else {
            app.screen = Screen::Home;
            return;
        };
        match action {
            Action::Back => app.screen = Screen::Home,
            Action::Check if ev.busy() => {
                ev.again = true;
                app.status = Some(
                    "checking already: it will check again after".into(),
                );
            }
            Action::Check => app.recheck(),
            Action::Hint => {
                if !ev.next_hint() {
                    app.status = Some("that was the last hint".into());
                }
            }
            Action::Up => ev.scroll = ev.scroll.saturating_sub(1),
            Action::Down => ev.scroll = ev.scroll.saturating_add(1),
            Action::PageUp => ev.scroll = ev.scroll.saturating_sub(10),
            Action::PageDown => ev.scroll = ev.scroll.saturating_add(10),
            Action::Top => ev.scroll = 0,
            Action::Bottom => ev.scroll = usize::MAX,
            Action::Lesson => {
                let lesson = ev.info.lesson.clone();
                if let Some(i) =
                    app.lessons.iter().position(|l| l.id == lesson)
                {
                    app.open_lesson(i);
                }
            }
        }
    }

    fn draw(f: &mut Frame, area: Rect, app: &mut App) {
        ui::exercise::draw(f, area, app);
    }

    fn symbols() -> &'static [(&'static str, &'static str)] {
        ui::help::LESSON_SYMBOLS
    }

    fn mouse() -> &'static str {
        "the mouse: the wheel scrolls the text; the file is re-checked when saved"
    }
}
