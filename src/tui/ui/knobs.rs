//! The knob panel: the scenario's knobs, their values and ranges; Enter re-runs.

use crate::scenarios;
use crate::tui::app::App;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

pub fn draw(f: &mut Frame, area: Rect, app: &mut App) {
    let t = app.config.theme;
    let block = Block::new()
        .borders(Borders::RIGHT | Borders::BOTTOM)
        .border_style(t.key())
        .title(Span::styled(
            " knobs · ←→ change · Enter re-runs ",
            t.title(),
        ));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let Some((scenario, _)) = app.knob_scenario() else {
        return;
    };
    let Some(sc) = scenarios::find(&scenario) else {
        return;
    };
    let mut lines = vec![
        Line::from(Span::styled(
            format!("{} — {}", sc.id, sc.title),
            t.heading(),
        )),
        Line::raw(""),
    ];
    if sc.knobs.is_empty() {
        lines.push(Line::raw("this scenario has no knobs"));
    }
    let nw = sc.knobs.iter().map(|k| k.name.len()).max().unwrap_or(4);
    for (i, k) in sc.knobs.iter().enumerate() {
        let v = app
            .lv
            .knob_values
            .get(i)
            .map_or(k.default, |(_, v)| v.as_str());
        let sel = i == app.lv.knob_sel;
        let value = format!("‹ {v} ›");
        lines.push(Line::from(vec![
            Span::styled(
                format!("{:<nw$} ", k.name),
                if sel { t.selected() } else { t.key() },
            ),
            Span::styled(
                value,
                if sel {
                    t.highlight()
                } else {
                    ratatui::style::Style::new()
                },
            ),
            Span::styled(format!("  {}", k.range_text()), t.dim()),
        ]));
        if sel {
            lines.push(Line::from(Span::styled(
                format!("  {}", k.help),
                t.dim(),
            )));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(Span::styled(
        "Re-run, then c compares the new run with the one before.",
        t.dim(),
    )));
    f.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }),
        inner,
    );
}
