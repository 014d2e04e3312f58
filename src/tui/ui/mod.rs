//! Drawing: one function per screen and popup, and the key bar; [`crate::tui::screens::draw`]
//! puts them together.

pub mod exercise;
pub mod findings;
pub mod help;
pub mod home;
pub mod inspector;
pub mod knobs;
pub mod lesson;
pub mod timeline;

use crate::tui::app::App;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

pub const MIN_W: u16 = 80;
pub const MIN_H: u16 = 24;

pub fn too_small(f: &mut Frame, area: Rect) {
    let text = format!(
        "The terminal is too small ({}×{}): asyncscope needs at least {MIN_W}×{MIN_H}. \
         Make the window bigger (or the font smaller). q quits.",
        area.width, area.height
    );
    f.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
}

/// A box in the middle of `area`, `w`×`h` at most, cleared.
pub fn popup(f: &mut Frame, area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    let r = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    };
    f.render_widget(Clear, r);
    r
}

pub fn open_prompt(f: &mut Frame, area: Rect, app: &App, path: &str) {
    let t = &app.config.theme;
    let r = popup(f, area, 70, 5);
    let block = ratatui::widgets::Block::bordered()
        .title(Span::styled(" open a saved trace ", t.title()));
    let lines = vec![
        Line::raw(
            "File (saved with s, or `asyncscope run … --save-trace FILE`):",
        ),
        Line::from(vec![Span::styled(format!("{path}▏"), t.key())]),
        Line::from(Span::styled("Enter open · Esc cancel", t.dim())),
    ];
    f.render_widget(Paragraph::new(lines).block(block), r);
}

/// A side pane's lines in `area` under a bordered title, scrolled by `scroll` rows (kept in
/// range) when they are taller than it; the title then says how to see the rest.
pub fn scrolled_pane(
    f: &mut Frame,
    area: Rect,
    app: &mut App,
    title: &str,
    lines: Vec<Line<'_>>,
) {
    let t = app.config.theme;
    let block = ratatui::widgets::Block::new()
        .borders(
            ratatui::widgets::Borders::RIGHT
                | ratatui::widgets::Borders::BOTTOM,
        )
        .border_style(t.key());
    // A title takes the top row (there is no top border): measure with one.
    let inner = block.clone().title(title).inner(area);
    // Rows the wrapped lines take (a word-wrapped line takes at least this many).
    let width = inner.width.max(1) as usize;
    let rows: usize =
        lines.iter().map(|l| l.width().div_ceil(width).max(1)).sum();
    let room = inner.height as usize;
    let most = rows.saturating_sub(room) as u16;
    let scroll = app.lv.pane_scroll.min(most);
    app.lv.pane_scroll = scroll;
    let more = match (scroll > 0, scroll < most) {
        (_, true) => " · PgDn more",
        (true, false) => " · PgUp back",
        (false, false) => "",
    };
    let block =
        block.title(Span::styled(format!(" {title}{more} "), t.title()));
    f.render_widget(block, area);
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        inner,
    );
}

/// "1 poll", "3 polls".
pub fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// `s` cut to `w` characters, with `…` if cut. A folded group's count (`wave 1 task ×1000`)
/// is kept whole when there is room: cut, it would read as another number.
pub fn fit(s: &str, w: usize) -> String {
    if s.chars().count() <= w {
        s.to_string()
    } else if w == 0 {
        String::new()
    } else if let Some(at) = s.rfind(" ×")
        && s[at + " ×".len()..].chars().all(|c| c.is_ascii_digit())
        && s[at..].chars().count() + 2 <= w
    {
        let tail = &s[at..];
        let head: String =
            s.chars().take(w - 1 - tail.chars().count()).collect();
        format!("{head}…{tail}")
    } else {
        let mut out: String = s.chars().take(w - 1).collect();
        out.push('…');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::fit;

    #[test]
    fn fit_keeps_a_group_count_whole() {
        assert_eq!(fit("wave 1 task ×1000", 16), "wave 1 ta… ×1000");
        assert_eq!(fit("wave 1 task ×1000", 40), "wave 1 task ×1000");
        assert_eq!(fit("a long task name", 8), "a long …");
        assert_eq!(fit("x ×123456", 5), "x ×1…");
        assert_eq!(fit("anything", 0), "");
    }
}
