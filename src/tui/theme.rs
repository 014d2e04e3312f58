//! Colours, or none at all when `NO_COLOR` is set: the glyphs carry every meaning on their
//! own, so nothing is lost without colour.

use crate::tui::lanes::Cell;
use ratatui::style::{Color, Modifier, Style};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
    /// Bright greys instead of dark ones (idle lanes, dim text): readable on a projector.
    pub contrast: bool,
}

impl Theme {
    /// Colour unless `NO_COLOR` is set to anything non-empty (<https://no-color.org>).
    pub fn from_env() -> Theme {
        Theme {
            color: !crate::term::no_color(),
            contrast: false,
        }
    }

    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    pub fn cell(&self, cell: Cell) -> Style {
        match cell {
            Cell::Empty => Style::new(),
            Cell::Idle => self.fg(self.grey()),
            Cell::Scheduled => self.fg(Color::Yellow),
            Cell::Running | Cell::Polled => self.fg(Color::Green),
            Cell::Blocking => self.fg(Color::Magenta),
            Cell::Done => self.fg(Color::Green),
            Cell::Cancelled => self.fg(Color::Red),
            Cell::Panicked => {
                self.fg(Color::LightRed).add_modifier(Modifier::BOLD)
            }
        }
    }

    pub fn title(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn heading(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn dim(&self) -> Style {
        if self.color {
            Style::new().fg(self.grey())
        } else {
            Style::new()
        }
    }

    /// The grey of idle lanes and secondary text: dark normally, light in high contrast.
    fn grey(&self) -> Color {
        if self.contrast {
            Color::Gray
        } else {
            Color::DarkGray
        }
    }

    pub fn key(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    pub fn code(&self) -> Style {
        self.fg(Color::LightBlue)
    }

    pub fn keyword(&self) -> Style {
        self.fg(Color::Magenta).add_modifier(Modifier::BOLD)
    }

    pub fn string(&self) -> Style {
        self.fg(Color::Green)
    }

    pub fn comment(&self) -> Style {
        self.fg(Color::DarkGray).add_modifier(Modifier::ITALIC)
    }

    pub fn number(&self) -> Style {
        self.fg(Color::LightYellow)
    }

    pub fn good(&self) -> Style {
        self.fg(Color::Green).add_modifier(Modifier::BOLD)
    }

    pub fn bad(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn warn(&self) -> Style {
        self.fg(Color::Yellow)
    }

    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    pub fn highlight(&self) -> Style {
        self.fg(Color::LightCyan)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    pub fn cursor(&self) -> Style {
        self.fg(Color::LightCyan).add_modifier(Modifier::BOLD)
    }
}
