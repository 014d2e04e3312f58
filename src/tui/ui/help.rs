//! The help overlay and the key bar, drawn from entries the screens write from their key
//! bindings ([`crate::tui::screens`]); and what each symbol drawn on a screen means.

use crate::tui::keys::HelpEntry;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// The help of what is on screen: its title, its sections of keys (the first untitled), what
/// its symbols mean and what the mouse does.
pub struct Help {
    pub title: &'static str,
    pub sections: Vec<(&'static str, Vec<HelpEntry>)>,
    pub symbols: &'static [(&'static str, &'static str)],
    pub mouse: &'static str,
}

/// The key bar: as many of `entries` as fit, always with the last `keep` (help, quit).
pub fn key_bar(
    f: &mut Frame,
    area: Rect,
    t: &Theme,
    entries: &[HelpEntry],
    keep: usize,
) {
    let len = |(k, what): &HelpEntry| {
        k.chars().count() + what.chars().count() + 2
    };
    let (own, always) =
        entries.split_at(entries.len().saturating_sub(keep));
    let mut room = (area.width as usize)
        .saturating_sub(always.iter().map(len).sum::<usize>());
    let mut shown: Vec<&HelpEntry> = Vec::new();
    for e in own {
        if len(e) > room {
            break;
        }
        room -= len(e);
        shown.push(e);
    }
    shown.extend(always);
    let spans: Vec<Span> = shown
        .iter()
        .flat_map(|(k, what)| {
            [
                Span::styled(k.clone(), t.key()),
                Span::raw(format!(" {what} ")),
            ]
        })
        .collect();
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
    ("◆", "a mark (◆2: two marks in one column; m jumps to each)"),
    (
        "↳",
        "a task's labelled waits, under it: work overlapping inside one task",
    ),
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

/// The help as lines: keys, then what the symbols mean, then the mouse.
pub fn lines(t: &Theme, help: &Help) -> Vec<Line<'static>> {
    let kw = help
        .sections
        .iter()
        .flat_map(|(_, e)| e.iter().map(|(k, _)| k.chars().count()))
        .chain(help.symbols.iter().map(|(k, _)| k.chars().count()))
        .max()
        .unwrap_or(4);
    let entry = |k: &str, what: &str| {
        Line::from(vec![
            Span::styled(format!(" {k:<kw$}  "), t.key()),
            Span::raw(what.to_string()),
        ])
    };
    let mut lines = Vec::new();
    for (title, entries) in &help.sections {
        if !title.is_empty() {
            lines.push(Line::from(Span::styled(
                format!(" {title}"),
                t.heading(),
            )));
        }
        lines.extend(entries.iter().map(|(k, what)| entry(k, what)));
    }
    if !help.symbols.is_empty() {
        lines.push(Line::from(Span::styled(" what you see", t.heading())));
        lines.extend(help.symbols.iter().map(|(k, what)| entry(k, what)));
    }
    if !help.mouse.is_empty() {
        lines.push(Line::from(Span::styled(
            format!(" {}", help.mouse),
            t.dim(),
        )));
    }
    lines
}

/// The help popup, scrolled down `scroll` lines when taller than the screen; `footer` says
/// how to scroll and close it.
pub fn overlay(
    f: &mut Frame,
    area: Rect,
    t: &Theme,
    help: &Help,
    scroll: u16,
    footer: &str,
) {
    let mut lines = lines(t, help);
    let room = area.height.saturating_sub(3) as usize;
    let fits = lines.len() < room;
    let scroll = if fits {
        0
    } else {
        (scroll as usize).min(lines.len().saturating_sub(room))
    };
    lines.drain(..scroll);
    lines.truncate(if fits { lines.len() } else { room });
    lines.push(Line::from(Span::styled(format!(" {footer}"), t.dim())));
    let h = (lines.len() as u16 + 2).min(area.height);
    let r = super::popup(f, area, 86, h);
    f.render_widget(
        Paragraph::new(lines).block(
            Block::bordered().title(Span::styled(help.title, t.title())),
        ),
        r,
    );
}
