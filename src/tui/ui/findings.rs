//! The findings pane: what the shown run found (warnings such as a deadlock cycle or a leak,
//! the heartbeat's lag, the scenario's values), in the text export's sentences. Shown once the
//! run has played to its end, so it never answers a prediction early.

use crate::tui::app::App;
use crate::view::findings::Finding;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

pub fn draw(f: &mut Frame, area: Rect, app: &mut App) {
    let t = app.config.theme;
    let block = Block::new()
        .borders(Borders::RIGHT | Borders::BOTTOM)
        .border_style(t.key())
        .title(Span::styled(" findings · w closes ", t.title()));
    let inner = block.inner(area);
    let Some(r) = app.lv.recording() else {
        f.render_widget(block, area);
        f.render_widget(
            Paragraph::new(
                "No run yet: its findings show here once it has played.",
            )
            .style(t.dim())
            .wrap(Wrap { trim: true }),
            inner,
        );
        return;
    };
    if !r.played_to_end() {
        f.render_widget(block, area);
        f.render_widget(
            Paragraph::new(
                "The findings show once the run has played to its end (End jumps there).",
            )
            .style(t.dim())
            .wrap(Wrap { trim: true }),
            inner,
        );
        return;
    }
    let label = r.label.clone();
    let found = app.lv.findings(!app.config.redact_wall).to_vec();
    let mut lines = vec![Line::from(Span::styled(label, t.heading()))];
    let warnings: Vec<&Finding> = found
        .iter()
        .filter(|f| matches!(f, Finding::Warning(_)))
        .collect();
    lines.push(Line::raw(""));
    if warnings.is_empty() {
        lines.push(Line::from(Span::styled("no warnings", t.good())));
    }
    for w in warnings {
        lines.push(Line::from(Span::styled(
            format!("⚠ {}", w.line()),
            t.bad(),
        )));
    }
    for p in found.iter().filter(|f| matches!(f, Finding::Probe(_))) {
        lines.push(Line::raw(""));
        lines.push(Line::raw(p.line()));
    }
    let values: Vec<&Finding> = found
        .iter()
        .filter(|f| matches!(f, Finding::Value(..)))
        .collect();
    if !values.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::from(Span::styled(
            "values the run computed:",
            t.heading(),
        )));
        for v in values {
            lines.push(Line::raw(format!("  {}", v.line())));
        }
    }
    super::scrolled_pane(f, area, app, "findings · w closes", lines);
}

/// The first warning of the shown run and how many there are, for the line under the
/// timeline; `None` until the run has played to its end, or when nothing went wrong.
pub fn first_warning(app: &mut App) -> Option<(String, usize)> {
    let wall = !app.config.redact_wall;
    let warnings: Vec<&Finding> = app
        .lv
        .findings(wall)
        .iter()
        .filter(|f| matches!(f, Finding::Warning(_)))
        .collect();
    Some((warnings.first()?.line(), warnings.len()))
}
