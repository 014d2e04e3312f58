//! The home screen: the lessons and the exercises, with progress.

use super::Component;
use super::situation::HOME;
use crate::tui::app::{App, HomeFocus};
use crate::tui::keys::{Binding, Key, bind};
use crate::tui::ui;
use crossterm::event::KeyCode;
use ratatui::Frame;
use ratatui::layout::Rect;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Up,
    Down,
    First,
    Last,
    SwitchList,
    Open,
}

pub struct Home;

impl Component for Home {
    type Action = Action;
    const TITLE: &'static str = " keys: home ";
    const BINDINGS: &'static [Binding<Action>] = &[
        bind(
            &[
                (Key::Code(KeyCode::Up), Action::Up),
                (Key::Code(KeyCode::Down), Action::Down),
            ],
            "choose a lesson (or an exercise)",
        )
        .bar("choose", 2, HOME),
        bind(
            &[
                (Key::Code(KeyCode::Home), Action::First),
                (Key::Code(KeyCode::End), Action::Last),
            ],
            "the first / the last of the list",
        ),
        bind(
            &[
                (Key::Code(KeyCode::Tab), Action::SwitchList),
                (Key::Code(KeyCode::Left), Action::SwitchList),
                (Key::Code(KeyCode::Right), Action::SwitchList),
                (Key::Code(KeyCode::BackTab), Action::SwitchList),
            ],
            "switch between lessons and exercises",
        )
        .bar("lessons/exercises", 1, HOME),
        bind(
            &[(Key::Code(KeyCode::Enter), Action::Open)],
            "open the lesson, or the exercise (checks, hints, timelines)",
        )
        .bar("open", 1, HOME),
    ];

    fn act(app: &mut App, action: Action, _: u8) {
        let (sel, len) = match app.home_focus {
            HomeFocus::Lessons => (&mut app.home_sel, app.lessons.len()),
            HomeFocus::Exercises => {
                (&mut app.exercise_sel, app.exercises.len())
            }
        };
        let last = len.saturating_sub(1);
        match action {
            Action::Up => *sel = sel.saturating_sub(1),
            Action::Down => *sel = (*sel + 1).min(last),
            Action::First => *sel = 0,
            Action::Last => *sel = last,
            Action::SwitchList => {
                app.home_focus = match app.home_focus {
                    HomeFocus::Lessons => HomeFocus::Exercises,
                    HomeFocus::Exercises => HomeFocus::Lessons,
                }
            }
            Action::Open => match app.home_focus {
                HomeFocus::Lessons => app.open_lesson(app.home_sel),
                HomeFocus::Exercises => app.open_exercise(app.exercise_sel),
            },
        }
    }

    fn draw(f: &mut Frame, area: Rect, app: &mut App) {
        ui::home::draw(f, area, app);
    }

    fn symbols() -> &'static [(&'static str, &'static str)] {
        ui::help::HOME_SYMBOLS
    }

    fn mouse() -> &'static str {
        "the mouse: the wheel moves through the lessons"
    }
}
