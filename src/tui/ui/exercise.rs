//! The exercise screen: instructions, the check list with each verdict, hints shown one at a
//! time, and the learner's timeline stacked over the reference solution's on one time axis.

use super::fit;
use super::timeline::{axis, columns, lane_rows};
use crate::exercise::Checked;
use crate::export::text::wrap;
use crate::timeline::Timeline;
use crate::tui::app::App;
use crate::tui::exercise::{ExerciseView, strip_ansi};
use crate::tui::lanes::{self, Lane};
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

pub fn draw(f: &mut Frame, area: Rect, app: &mut App) {
    let t = app.config.theme;
    let Some(ev) = app.ev.as_ref() else {
        return;
    };
    let [title, body] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(1)])
            .areas(area);
    let mut spans = vec![
        Span::styled("asyncscope › ", t.dim()),
        Span::styled(format!("Exercise {}", ev.info.name), t.title()),
        Span::styled(
            format!(" · after lesson {} · ", ev.info.lesson),
            t.dim(),
        ),
    ];
    let (verdict, style) = verdict(ev, &t);
    spans.push(Span::styled(verdict, style));
    let used: usize = spans.iter().map(|s| s.width()).sum();
    if let Some(note) = &app.status {
        let room = (title.width as usize).saturating_sub(used + 2);
        spans.push(Span::raw("  "));
        spans.push(Span::styled(fit(note, room), t.warn()));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), title);

    let reference = app
        .references
        .get(&ev.info.name)
        .and_then(|c| c.timeline.as_ref());
    let mine = ev.mine.as_ref().and_then(|c| c.timeline.as_ref());
    let (text_area, tl_area) = if body.width >= 140 {
        let [a, b] = Layout::horizontal([
            Constraint::Length(body.width * 9 / 20),
            Constraint::Min(40),
        ])
        .areas(body);
        (a, b)
    } else {
        // The timelines get what their lanes need (folded if they would take over half the
        // screen), the text the rest, and at least 8 rows.
        let max = body.height.saturating_sub(8);
        let (_, la, lb) = plan(mine, reference, max.saturating_sub(CHROME));
        let want = (la.len() + lb.len()) as u16 + 2 + CHROME;
        let [a, b] = Layout::vertical([
            Constraint::Min(5),
            Constraint::Length(want.min(max)),
        ])
        .areas(body);
        (a, b)
    };
    app.hits.text = text_area;
    app.hits.timeline = tl_area;
    app.hits.lane_rows.clear();
    text(f, text_area, app);
    timelines(f, tl_area, app);
}

/// The learner's verdict for the title: passed, not yet, checking.
fn verdict(ev: &ExerciseView, t: &Theme) -> (String, Style) {
    if ev.checking {
        return ("checking…".into(), t.warn());
    }
    match &ev.mine {
        None => ("not checked yet".into(), t.dim()),
        Some(c) if c.passed => ("✓ passed".into(), t.good()),
        Some(c) if c.compile_error.is_some() => {
            ("✗ does not compile yet".into(), t.bad())
        }
        Some(_) => ("✗ not yet".into(), t.bad()),
    }
}

/// Cut `line` into pieces of `width` characters, keeping every space (cargo's output is laid
/// out with them).
fn hard_wrap(line: &str, width: usize) -> Vec<String> {
    let chars: Vec<char> = line.chars().collect();
    if chars.is_empty() {
        return vec![String::new()];
    }
    chars
        .chunks(width.max(1))
        .map(|c| c.iter().collect())
        .collect()
}

/// The check list's lines.
fn checks(c: &Checked, width: usize, t: &Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let mark =
        |passed: bool, text: &str, lines: &mut Vec<Line<'static>>| {
            let (m, style) = if passed {
                ("✓", t.good())
            } else {
                ("✗", t.bad())
            };
            for (i, l) in
                wrap(&format!("{m} {text}"), width.saturating_sub(2), 2)
                    .into_iter()
                    .enumerate()
            {
                if i == 0 {
                    let rest: String = l.chars().skip(1).collect();
                    lines.push(Line::from(vec![
                        Span::raw("  "),
                        Span::styled(m, style),
                        Span::raw(rest),
                    ]));
                } else {
                    lines.push(Line::raw(format!("  {l}")));
                }
            }
        };
    if let Some(err) = &c.compile_error {
        mark(false, "it does not compile yet; cargo says:", &mut lines);
        let err = strip_ansi(err);
        for l in err.lines() {
            let style = if l.starts_with("error") {
                t.bad()
            } else if l.starts_with("warning") {
                t.warn()
            } else {
                Style::new()
            };
            for piece in hard_wrap(l, width.saturating_sub(4)) {
                lines.push(Line::from(Span::styled(
                    format!("    {piece}"),
                    style,
                )));
            }
        }
        return lines;
    }
    if let Some(problem) = &c.run_problem {
        mark(false, &format!("your program {problem}"), &mut lines);
    }
    for r in &c.checks {
        mark(r.passed, &r.message, &mut lines);
    }
    lines
}

fn text_lines(
    app: &App,
    ev: &ExerciseView,
    width: usize,
) -> Vec<Line<'static>> {
    let t = app.config.theme;
    let mut lines =
        vec![Line::from(Span::styled("Instructions", t.heading()))];
    for l in wrap(
        &ev.info
            .instructions
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
        width,
        0,
    ) {
        lines.push(Line::raw(l));
    }
    lines.push(Line::raw(""));

    let mut head = vec![Span::styled("Checks", t.heading())];
    match &ev.mine {
        Some(c) if c.compile_error.is_none() && c.run_problem.is_none() => {
            let ok = c.checks.iter().filter(|r| r.passed).count();
            head.push(Span::styled(
                format!("  {ok} of {} pass", c.checks.len()),
                if c.passed { t.good() } else { t.dim() },
            ));
        }
        _ => {}
    }
    if ev.checking {
        head.push(Span::styled("  checking…", t.warn()));
    }
    lines.push(Line::from(head));
    match &ev.mine {
        Some(c) => lines.extend(checks(c, width, &t)),
        None if ev.checking => lines.push(Line::from(Span::styled(
            "  building and running your program…",
            t.dim(),
        ))),
        None => lines.push(Line::from(Span::styled(
            "  not checked yet: r checks",
            t.dim(),
        ))),
    }
    lines.push(Line::raw(""));

    let n = ev.info.hints.len();
    lines.push(Line::from(vec![
        Span::styled("Hints", t.heading()),
        Span::styled(
            format!(
                "  {} of {n} shown{}",
                ev.hints,
                if ev.hints < n {
                    " · h shows the next"
                } else {
                    ""
                }
            ),
            t.dim(),
        ),
    ]));
    for (i, h) in ev.info.hints.iter().take(ev.hints).enumerate() {
        for l in
            wrap(&format!("{}. {h}", i + 1), width.saturating_sub(2), 3)
        {
            lines.push(Line::raw(format!("  {l}")));
        }
    }
    lines
}

fn text(f: &mut Frame, area: Rect, app: &mut App) {
    let t = app.config.theme;
    let block = Block::new()
        .borders(Borders::RIGHT | Borders::BOTTOM)
        .border_style(t.dim());
    let inner = block.inner(area);
    f.render_widget(block, area);
    let width = inner.width.saturating_sub(1) as usize;
    let Some(ev) = app.ev.as_ref() else {
        return;
    };
    let lines = text_lines(app, ev, width);
    let h = inner.height as usize;
    let max = lines.len().saturating_sub(h);
    let Some(ev) = app.ev.as_mut() else {
        return;
    };
    ev.scroll = ev.scroll.min(max);
    let scroll = ev.scroll;
    let mut shown: Vec<Line> =
        lines.into_iter().skip(scroll).take(h).collect();
    // Say when there is more above or below.
    if max > 0 && h > 1 {
        let more = match (scroll > 0, scroll < max) {
            (true, true) => Some("↑↓ more"),
            (true, false) => Some("↑ more"),
            (false, true) => Some("↓ more"),
            _ => None,
        };
        if let Some(more) = more
            && let Some(last) = shown.last_mut()
        {
            let room = width.saturating_sub(more.chars().count() + 1);
            let text: String =
                last.spans.iter().map(|s| s.content.as_ref()).collect();
            *last = Line::from(vec![
                Span::raw(format!("{:<room$} ", fit(&text, room))),
                Span::styled(more, t.key()),
            ]);
        }
    }
    f.render_widget(Paragraph::new(shown), inner);
}

/// The lanes of `tl`, folded or not.
fn lanes_of(tl: Option<&Timeline>, fold: bool) -> Vec<Lane> {
    tl.map_or_else(Vec::new, |tl| lanes::build(tl, fold))
}

/// Rows of the timelines panel besides the runs: the title, the axis (2), the totals.
const CHROME: u16 = 4;

/// Fold or not, and the two runs' lanes: folded when either has many tasks, or when the lanes
/// (and a label row each) would not fit in `room` rows and folding makes fewer.
fn plan(
    mine: Option<&Timeline>,
    theirs: Option<&Timeline>,
    room: u16,
) -> (bool, Vec<Lane>, Vec<Lane>) {
    let many = [mine, theirs]
        .iter()
        .flatten()
        .any(|tl| tl.scenario_tasks().count() > lanes::AUTO_FOLD);
    let (la, lb) = (lanes_of(mine, many), lanes_of(theirs, many));
    if !many && (la.len() + lb.len() + 2) as u16 > room {
        let (fa, fb) = (lanes_of(mine, true), lanes_of(theirs, true));
        if fa.len() + fb.len() < la.len() + lb.len() {
            return (true, fa, fb);
        }
    }
    (many, la, lb)
}

/// The learner's run over the reference solution's, one time axis, with both totals.
fn timelines(f: &mut Frame, area: Rect, app: &mut App) {
    let t = app.config.theme;
    if area.height < 6 || area.width < 30 {
        return;
    }
    let Some(ev) = app.ev.as_mut() else {
        return;
    };
    let reference = app.references.get(&ev.info.name);
    let mine = ev.mine.as_ref().and_then(|c| c.timeline.as_ref());
    let theirs = reference.and_then(|c| c.timeline.as_ref());
    let buf = f.buffer_mut();
    let mut y = area.y;
    let y_end = area.y + area.height;
    buf.set_line(
        area.x,
        y,
        &Line::from(vec![
            Span::styled(
                " yours vs the reference ",
                t.title().add_modifier(Modifier::REVERSED),
            ),
            Span::styled(" the same work on one time axis", t.dim()),
        ]),
        area.width,
    );
    y += 1;
    // Rows for the two runs: the axis (2) above, the totals (1) below.
    let room = y_end.saturating_sub(y + 3);
    let (fold, la, lb) = plan(mine, theirs, room);
    let names = la
        .iter()
        .chain(&lb)
        .map(|l| l.name.chars().count())
        .max()
        .unwrap_or(6);
    let cols = columns(area.width, names, false);
    let end = |tl: Option<&Timeline>| tl.map_or(0, |tl| tl.end.rt_ns);
    let span = end(mine).max(end(theirs)).max(1);
    let unit_ns = mine.or(theirs).map_or(1e9, |tl| tl.unit_ns().max(1.0));
    let x0 = area.x + cols.name + 1;
    let window = |tl: Option<&Timeline>| lanes::Window {
        start: 0,
        span,
        cols: cols.chart as usize,
        clip: end(tl),
    };
    if mine.is_some() || theirs.is_some() {
        buf.set_stringn(
            area.x,
            y + 1,
            fit("time", cols.name as usize),
            cols.name as usize,
            t.dim(),
        );
        axis(buf, x0, y, &window(None), unit_ns, &t, None, None);
    } else {
        buf.set_stringn(
            area.x + 1,
            y,
            "no timelines yet: they appear here when the checks have run",
            area.width as usize - 1,
            t.dim(),
        );
    }
    y += 2;
    let need_a = la.len() as u16 + 1;
    let need_b = lb.len() as u16 + 1;
    let rows_a = need_a.min((room / 2).max(room.saturating_sub(need_b)));
    let rows_b = room.saturating_sub(rows_a);
    let total = |tl: &Timeline| tl.units(tl.finish_stamp().rt_ns);
    let generation = ev.generation;
    let sections = [
        (
            "yours",
            ev.mine.as_ref(),
            ev.checking,
            &la,
            &mut ev.cache_mine,
            rows_a,
        ),
        (
            "reference",
            reference,
            ev.reference_checking,
            &lb,
            &mut ev.cache_ref,
            rows_b,
        ),
    ];
    for (who, checked, checking, lanes, cache, rows) in sections {
        if rows == 0 || y >= y_end {
            break;
        }
        let tl = checked.and_then(|c| c.timeline.as_ref());
        let mut spans = vec![Span::styled(format!(" {who}"), t.key())];
        let (state, style) = match checked {
            _ if checking && checked.is_none() => {
                ("checking…".to_string(), t.warn())
            }
            None => ("not checked yet".to_string(), t.dim()),
            Some(c) if c.passed => ("✓ passes".to_string(), t.good()),
            Some(c) if c.compile_error.is_some() => {
                ("✗ does not compile: no run to show".to_string(), t.bad())
            }
            Some(c) => match &c.run_problem {
                Some(p) => (format!("✗ {p}"), t.bad()),
                None => {
                    let ok = c.checks.iter().filter(|r| r.passed).count();
                    (
                        format!("✗ {ok} of {} checks pass", c.checks.len()),
                        t.bad(),
                    )
                }
            },
        };
        spans.push(Span::raw(" · "));
        spans.push(Span::styled(state, style));
        if let Some(tl) = tl {
            spans.push(Span::raw(format!(" · total {:.2}u", total(tl))));
            if checking {
                spans.push(Span::styled(" · checking again…", t.warn()));
            }
            let shown = (rows - 1) as usize;
            if lanes.len() > shown {
                spans.push(Span::styled(
                    format!(" · lanes 1-{shown} of {}", lanes.len()),
                    t.dim(),
                ));
            }
        }
        buf.set_line(area.x, y, &Line::from(spans), area.width);
        let stop = (y + rows).min(y_end);
        if let Some(tl) = tl {
            lane_rows(
                buf,
                area,
                y + 1,
                stop,
                tl,
                generation,
                tl.end.rt_ns,
                lanes,
                cache,
                fold,
                &window(Some(tl)),
                cols,
                None,
                0,
                &t,
                &[],
                1,
            );
        }
        y = stop;
    }
    // Totals and the legend.
    if y < y_end {
        let mut spans = Vec::new();
        match (mine, theirs) {
            (Some(a), Some(b)) => {
                let (ta, tb) = (total(a), total(b));
                let mut s = format!(
                    " totals: yours {ta:.2}u vs reference {tb:.2}u"
                );
                if tb > 0.0 {
                    s += &format!(" ({:.1}×)", ta / tb);
                }
                spans.push(Span::styled(s, t.title()));
            }
            (Some(a), None) => spans.push(Span::styled(
                format!(" total: yours {:.2}u", total(a)),
                t.title(),
            )),
            (None, Some(b)) => spans.push(Span::styled(
                format!(" total: reference {:.2}u", total(b)),
                t.title(),
            )),
            (None, None) => {}
        }
        spans.push(Span::raw("   "));
        spans.extend(super::timeline::legend(&t, area.width < 110, 6));
        buf.set_line(area.x, y_end - 1, &Line::from(spans), area.width);
    }
}
