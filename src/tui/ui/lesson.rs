//! The lesson screen: text (or the inspector, or the knobs) beside or above the timeline.

use super::{fit, popup};
use crate::quiz::Graded;
use crate::tui::app::{App, Asking, Side};
use crate::tui::markdown;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

pub fn draw(f: &mut Frame, area: Rect, app: &mut App) {
    let t = app.config.theme;
    let [title, body] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(1)])
            .areas(area);
    // Title bar: where we are, and any message.
    let mut spans = vec![Span::styled("asyncscope › ", t.dim())];
    match app.lesson() {
        Some(l) => spans.push(Span::styled(
            if l.runs.is_empty() {
                l.title.clone()
            } else {
                format!("Lesson {} · {}", l.id, l.title)
            },
            t.title(),
        )),
        None => spans.push(Span::styled("trace", t.title())),
    }
    if app.instructor {
        spans.push(Span::styled("  [instructor]", t.key()));
    }
    let used: usize = spans.iter().map(|s| s.width()).sum();
    let note = app.status.clone().or_else(|| {
        app.config
            .console
            .as_ref()
            .map(|c| format!("tokio-console: http://{c}"))
    });
    if let Some(note) = note {
        let room = (title.width as usize).saturating_sub(used + 2);
        spans.push(Span::raw("  "));
        spans.push(Span::styled(fit(&note, room), t.warn()));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), title);

    let side_shown = app.lesson().is_some() && !app.instructor
        || app.lv.side != Side::Text;
    if !side_shown {
        app.hits.text = Rect::default();
        super::timeline::draw(f, body, app);
        return;
    }
    let (side, tl) =
        if body.width >= 140 || (app.instructor && body.width >= 100) {
            let w = if app.instructor {
                42
            } else {
                body.width * 9 / 20
            };
            let [a, b] = Layout::horizontal([
                Constraint::Length(w),
                Constraint::Min(40),
            ])
            .areas(body);
            (a, b)
        } else {
            app.lv.sync_lanes();
            let lanes = if app.lv.recording().is_some() {
                app.lv.lanes.len().min(12) as u16
            } else {
                3
            };
            // The timeline gets what its lanes need, the pane the rest: the lesson text keeps
            // at least half, an inspector or findings pane all the lanes leave.
            let need = lanes + 9;
            let floor = if app.lv.side == Side::Text {
                body.height / 2
            } else {
                need.min(body.height / 2)
            };
            let want = need.clamp(floor, body.height.saturating_sub(6));
            let [a, b] = Layout::vertical([
                Constraint::Min(5),
                Constraint::Length(want),
            ])
            .areas(body);
            (a, b)
        };
    app.hits.text = side;
    match app.lv.side {
        Side::Text => text(f, side, app),
        Side::Inspector => super::inspector::draw(f, side, app),
        Side::Knobs => super::knobs::draw(f, side, app),
        Side::Findings => super::findings::draw(f, side, app),
    }
    super::timeline::draw(f, tl, app);
}

fn text(f: &mut Frame, area: Rect, app: &mut App) {
    let t = app.config.theme;
    let focus = !app.lv.focus_timeline;
    let block = Block::new()
        .borders(Borders::RIGHT | Borders::BOTTOM)
        .border_style(if focus { t.key() } else { t.dim() });
    let inner = block.inner(area);
    f.render_widget(block, area);
    let width = inner.width.saturating_sub(1);
    let Some(l) = app.lesson().cloned() else {
        return;
    };
    if app.lv.text.as_ref().is_none_or(|(w, _)| *w != width) {
        let mut lines = vec![];
        // The runs and questions first: what Enter does (a page without runs has neither).
        if !l.runs.is_empty() {
            lines.push(Line::from(vec![
                Span::styled("Runs ", t.heading()),
                Span::styled("(1-9 chooses, Enter runs):", t.dim()),
            ]));
        }
        for (i, r) in l.runs.iter().enumerate() {
            let all = l.questions.iter().filter(|q| q.run == i).count();
            let asked = app.questions_for(i, false).len();
            let plural = |n: usize| if n == 1 { "" } else { "s" };
            let extra = if asked > 0 {
                format!("  ({asked} question{} first)", plural(asked))
            } else if all > 0 {
                format!("  ({all} answered right; a asks again)")
            } else {
                String::new()
            };
            lines.push(Line::raw(format!(
                "  {}. {}{extra}",
                i + 1,
                r.describe()
            )));
        }
        if !l.runs.is_empty() {
            lines.push(Line::raw(""));
        }
        lines.extend(markdown::render(&l.body, width as usize, &t));
        app.lv.text = Some((width, lines));
    }
    let (_, lines) = app.lv.text.as_ref().unwrap();
    let max = lines.len().saturating_sub(inner.height as usize / 2);
    app.lv.scroll = app.lv.scroll.min(max);
    let mut shown: Vec<Line> = lines
        .iter()
        .skip(app.lv.scroll)
        .take(inner.height as usize)
        .cloned()
        .collect();
    // Mark the chosen run.
    let chosen = app.lv.run_idx + 1;
    if !l.runs.is_empty()
        && app.lv.scroll <= chosen
        && let Some(line) = shown.get_mut(chosen - app.lv.scroll)
    {
        let text: String =
            line.spans.iter().map(|s| s.content.as_ref()).collect();
        *line = Line::from(vec![
            Span::styled("▸", t.key()),
            Span::styled(text.chars().skip(1).collect::<String>(), t.key()),
        ]);
    }
    f.render_widget(Paragraph::new(shown), inner);
}

pub fn question(f: &mut Frame, area: Rect, app: &App, a: &Asking) {
    let t = &app.config.theme;
    let Some(q) = app.lesson().and_then(|l| l.questions.get(a.queue[0]))
    else {
        return;
    };
    let mut lines = vec![
        Line::from(Span::styled("Before the run: predict.", t.dim())),
        Line::raw(""),
        Line::from(Span::styled(
            q.ask.clone(),
            ratatui::style::Style::new()
                .add_modifier(ratatui::style::Modifier::BOLD),
        )),
        Line::raw(""),
    ];
    if q.choices.is_empty() {
        let unit = if q.unit.is_empty() {
            String::new()
        } else {
            format!(" (in {})", q.unit)
        };
        lines.push(Line::from(vec![
            Span::raw(format!("your answer{unit}: ")),
            Span::styled(format!("{}▏", a.input), t.key()),
        ]));
        lines.push(Line::raw(""));
        lines.push(Line::from(Span::styled(
            "type, Enter answers · Esc skips",
            t.dim(),
        )));
    } else {
        for (i, c) in q.choices.iter().enumerate() {
            lines.push(Line::from(vec![
                Span::styled(format!("  {} ", i + 1), t.key()),
                Span::raw(c.clone()),
            ]));
        }
        lines.push(Line::raw(""));
        lines.push(Line::from(Span::styled(
            format!("press 1-{} · Esc skips", q.choices.len()),
            t.dim(),
        )));
    }
    let h = lines.len() as u16 + 4;
    let r = popup(f, area, 72, h);
    let left = a.queue.len();
    let title = format!(" prediction ({left} to go) ");
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::bordered().title(Span::styled(title, t.title()))),
        r,
    );
}

/// How a popup's keys are written in it: `"↑↓ PgUp PgDn scroll"`, `"Esc closes"`.
pub struct Keys<'a> {
    pub scroll: &'a str,
    pub close: &'a str,
}

/// The verdicts on the learner's predictions; `keys` says how to scroll and close it.
pub fn verdicts(
    f: &mut Frame,
    area: Rect,
    app: &App,
    v: &[Graded],
    keys: &Keys,
) {
    let t = &app.config.theme;
    let Some(l) = app.lesson() else {
        return;
    };
    let mut lines = Vec::new();
    let right = v.iter().filter(|g| g.correct).count();
    lines.push(Line::from(Span::styled(
        format!("{right} of {} right. The run answered:", v.len()),
        t.title(),
    )));
    for g in v {
        let q = &l.questions[g.question];
        lines.push(Line::raw(""));
        lines.push(Line::raw(q.ask.clone()));
        let given = g.given.as_deref().unwrap_or("skipped");
        let (mark, style) = if g.correct {
            ("✓ right", t.good())
        } else if g.given.is_none() {
            ("→", t.warn())
        } else {
            ("✗ not quite", t.bad())
        };
        lines.push(Line::from(vec![
            Span::styled(format!("  {mark}: "), style),
            Span::styled(g.expected.clone(), t.highlight()),
            Span::styled(format!("   (you: {given})"), t.dim()),
        ]));
        if !q.explain.is_empty() {
            lines.push(Line::from(Span::styled(
                format!("  {}", q.explain),
                t.dim(),
            )));
        }
    }
    // Rows the wrapped text takes inside the popup: more than fit means it scrolls.
    let inner_w = 76u16.min(area.width).saturating_sub(2).max(1) as usize;
    let rows: usize = lines
        .iter()
        .map(|l| l.width().div_ceil(inner_w).max(1))
        .sum::<usize>()
        + 2;
    let room = area.height.saturating_sub(2) as usize;
    let scroll = if rows > room {
        (app.verdict_scroll as usize).min(rows - room)
    } else {
        0
    };
    lines.push(Line::raw(""));
    lines.push(Line::from(Span::styled(
        if rows > room {
            format!(
                "highlighted on the timeline · {} · {}",
                keys.scroll, keys.close
            )
        } else {
            format!("highlighted on the timeline · {}", keys.close)
        },
        t.dim(),
    )));
    let h = (rows as u16 + 2).min(area.height);
    let r = popup(f, area, 76, h);
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll as u16, 0))
            .block(Block::bordered().title(Span::styled(
                if rows > room {
                    format!(" your predictions · {} ", keys.scroll)
                } else {
                    " your predictions ".to_string()
                },
                t.title(),
            ))),
        r,
    );
}
