//! The screens as components: each has its key bindings (one table, [`crate::tui::keys`]),
//! acts on what those keys ask for, and draws itself. Keys reach a screen only through its
//! table, and the help overlay and the key bar are written from the same tables.
//!
//! Layers: [`crate::tui::app`] holds the state and knows no keys; [`crate::tui::ui`] draws
//! it; this module sits on both and is what the event loop calls.

pub mod exercise;
pub mod home;
pub mod lesson;
pub mod overlays;

use crate::tui::app::{App, Overlay, Screen, Side};
use crate::tui::keys::{
    self, ALWAYS, Binding, HelpEntry, Key, Situations, bind,
};
use crate::tui::ui;
use crate::tui::ui::help::Help;
use crossterm::event::{Event, KeyEvent, KeyEventKind};
use ratatui::Frame;
use ratatui::layout::Rect;

/// The situations the key bar tells apart.
pub mod situation {
    use crate::tui::keys::Situations;
    pub const HOME: Situations = 1;
    pub const EXERCISE: Situations = 2;
    /// A lesson with nothing run yet.
    pub const READY: Situations = 4;
    /// A lesson with a run to play.
    pub const PLAYED: Situations = 8;
    pub const INSTRUCTOR: Situations = 16;
    /// The knobs panel is open.
    pub const KNOBS: Situations = 32;
}
use situation::*;

/// A screen (or a panel of one): its keys, what they do, and how it is drawn.
pub trait Component {
    type Action: Copy + 'static;
    /// Every key it answers to, in the order its help lists them.
    const BINDINGS: &'static [Binding<Self::Action>];
    /// The help overlay's title.
    const TITLE: &'static str;
    /// Do what `action` asks (`digit`: which of 1-9, for a [`Key::Digit`] binding).
    fn act(app: &mut App, action: Self::Action, digit: u8);
    /// Draw it in `area`.
    fn draw(f: &mut Frame, area: Rect, app: &mut App);
    /// What the symbols it draws mean, for its help.
    fn symbols() -> &'static [(&'static str, &'static str)] {
        &[]
    }
    /// What the mouse does there, for its help.
    fn mouse() -> &'static str {
        ""
    }

    /// Act on `k` if it is one of this component's keys.
    fn on_key(app: &mut App, k: &KeyEvent) -> bool {
        match keys::lookup(Self::BINDINGS, k) {
            Some((action, digit)) => {
                Self::act(app, action, digit);
                true
            }
            None => false,
        }
    }
}

/// Keys every screen has (when no popup takes the keys).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Global {
    Help,
    OpenTrace,
    Quit,
}

pub const GLOBAL_BINDINGS: &[Binding<Global>] = &[
    bind(
        &[(Key::Char('o'), Global::OpenTrace)],
        "open a saved trace file",
    )
    .bar("open trace", 1, HOME),
    bind(&[(Key::Char('?'), Global::Help)], "this help")
        .bar("help", 1, ALWAYS),
    bind(
        &[
            (Key::Char('q'), Global::Quit),
            (Key::Ctrl('c'), Global::Quit),
        ],
        "quit (Ctrl-C quits from anywhere, a popup too)",
    )
    .bar("quit", 1, HOME | EXERCISE | READY),
];

fn global(app: &mut App, action: Global) {
    match action {
        Global::Help => app.overlay = Overlay::Help(0),
        Global::OpenTrace => app.overlay = Overlay::Open(String::new()),
        Global::Quit => app.quit = true,
    }
}

impl App {
    /// Handle a terminal event. True if the screen must be redrawn.
    pub fn on_event(&mut self, ev: Event) -> bool {
        match ev {
            Event::Key(k) if k.kind != KeyEventKind::Release => {
                self.on_key(k);
                true
            }
            Event::Mouse(m) => lesson::on_mouse(self, m),
            Event::Resize(..) => true,
            _ => false,
        }
    }

    /// A key: Ctrl-C quits from anywhere; a popup takes every other key; then the screen's
    /// own keys, then the keys every screen has.
    pub fn on_key(&mut self, k: KeyEvent) {
        if Key::Ctrl('c').pressed(&k).is_some() {
            self.quit = true;
            return;
        }
        if self.config.panic_key && Key::Char('!').pressed(&k).is_some() {
            panic!(
                "asyncscope: the panic asked for with ASYNCSCOPE_TUI_PANIC"
            );
        }
        self.status = None;
        if overlays::on_key(self, &k) {
            return;
        }
        let taken = match self.screen {
            Screen::Home => home::Home::on_key(self, &k),
            Screen::Exercise => exercise::Exercise::on_key(self, &k),
            Screen::Lesson => {
                self.lv.sync_lanes();
                (self.lv.side == Side::Knobs
                    && lesson::Knobs::on_key(self, &k))
                    || lesson::Lesson::on_key(self, &k)
            }
        };
        if !taken
            && let Some((action, _)) = keys::lookup(GLOBAL_BINDINGS, &k)
        {
            global(self, action);
        }
    }
}

/// The situation the key bar is drawn for.
pub fn situation(app: &App) -> Situations {
    match app.screen {
        Screen::Home => HOME,
        Screen::Exercise => EXERCISE,
        Screen::Lesson if app.lv.side == Side::Knobs => KNOBS,
        Screen::Lesson if app.instructor => INSTRUCTOR,
        Screen::Lesson if app.lv.recordings.is_empty() => READY,
        Screen::Lesson => PLAYED,
    }
}

/// The key bar's entries for what is on screen, and how many of the last are every screen's
/// (kept when the bar is short of room).
pub fn bar(app: &App) -> (Vec<HelpEntry>, usize) {
    let now = situation(app);
    let mut entries = match app.screen {
        Screen::Home => keys::bar_entries(home::Home::BINDINGS, now),
        Screen::Exercise => {
            keys::bar_entries(exercise::Exercise::BINDINGS, now)
        }
        Screen::Lesson => {
            let mut e = keys::bar_entries(lesson::Knobs::BINDINGS, now);
            e.extend(keys::bar_entries(lesson::Lesson::BINDINGS, now));
            e
        }
    };
    let global = keys::bar_entries(GLOBAL_BINDINGS, now);
    let keep = global.len();
    entries.extend(global);
    (entries, keep)
}

fn help_of<C: Component>() -> Help {
    Help {
        title: C::TITLE,
        sections: vec![("", keys::help_entries(C::BINDINGS))],
        symbols: C::symbols(),
        mouse: C::mouse(),
    }
}

pub fn help(app: &App) -> Help {
    let mut help = match app.screen {
        Screen::Home => help_of::<home::Home>(),
        Screen::Exercise => help_of::<exercise::Exercise>(),
        Screen::Lesson => {
            let mut h = help_of::<lesson::Lesson>();
            h.sections.push((
                "the knobs panel (k)",
                keys::help_entries(lesson::Knobs::BINDINGS),
            ));
            h
        }
    };
    help.sections[0]
        .1
        .extend(keys::help_entries(GLOBAL_BINDINGS));
    help
}

/// Draw the whole screen: the screen, the key bar, a popup on top.
pub fn draw(f: &mut Frame, app: &mut App) {
    let area = f.area();
    if area.width < ui::MIN_W || area.height < ui::MIN_H {
        ui::too_small(f, area);
        return;
    }
    let body = Rect {
        height: area.height - 1,
        ..area
    };
    let bar_area = Rect {
        y: area.y + area.height - 1,
        height: 1,
        ..area
    };
    match app.screen {
        Screen::Home => home::Home::draw(f, body, app),
        Screen::Lesson => lesson::Lesson::draw(f, body, app),
        Screen::Exercise => exercise::Exercise::draw(f, body, app),
    }
    let (entries, keep) = bar(app);
    ui::help::key_bar(f, bar_area, &app.config.theme, &entries, keep);
    overlays::draw(f, body, app);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::keys::Binding;

    fn keys_of<A>(bindings: &[Binding<A>]) -> Vec<Key> {
        bindings
            .iter()
            .flat_map(|b| b.keys.iter().map(|(k, _)| *k))
            .collect()
    }

    /// A key bound twice where one table is looked up would do only the first thing while the
    /// help says both: each screen's keys and the keys every screen has are distinct.
    #[test]
    fn no_key_is_bound_twice_on_a_screen() {
        let global = keys_of(GLOBAL_BINDINGS);
        for (name, own) in [
            ("home", keys_of(home::Home::BINDINGS)),
            ("exercise", keys_of(exercise::Exercise::BINDINGS)),
            ("lesson", keys_of(lesson::Lesson::BINDINGS)),
            ("knobs", keys_of(lesson::Knobs::BINDINGS)),
            ("help", keys_of(overlays::HELP_BINDINGS)),
            ("verdicts", keys_of(overlays::VERDICT_BINDINGS)),
        ] {
            let with_global: Vec<Key> =
                if matches!(name, "help" | "verdicts") {
                    own
                } else {
                    own.into_iter().chain(global.iter().copied()).collect()
                };
            for (i, k) in with_global.iter().enumerate() {
                assert!(
                    !with_global[i + 1..].contains(k),
                    "{name}: {} is bound twice",
                    k.label()
                );
            }
        }
    }

    /// Every table a screen looks keys up in is in its help (the knobs panel, which shadows
    /// some lesson keys on purpose, in a section of its own).
    #[test]
    fn the_help_lists_every_bound_key() {
        for screen in [Screen::Home, Screen::Lesson, Screen::Exercise] {
            let mut app_on = App::new(crate::tui::Config::for_tests());
            app_on.screen = screen;
            let h = help(&app_on);
            let listed: Vec<String> = h
                .sections
                .iter()
                .flat_map(|(_, e)| e.iter().map(|(k, _)| k.clone()))
                .collect();
            let bound: Vec<Key> = match screen {
                Screen::Home => keys_of(home::Home::BINDINGS),
                Screen::Exercise => keys_of(exercise::Exercise::BINDINGS),
                Screen::Lesson => {
                    let mut k = keys_of(lesson::Lesson::BINDINGS);
                    k.extend(keys_of(lesson::Knobs::BINDINGS));
                    k
                }
            };
            for k in bound.iter().chain(keys_of(GLOBAL_BINDINGS).iter()) {
                assert!(
                    listed
                        .iter()
                        .any(|l| l.split(' ').any(|w| w == k.label())),
                    "{screen:?}: {} is bound but not in the help",
                    k.label()
                );
            }
        }
    }
}
