//! The inspector: one task's totals, polls, wakes, waits, histogram, outcome, and lints in
//! plain words.

use crate::timeline::{Histogram, TaskState, WakeSource};
use crate::tui::app::App;
use crate::tui::lanes::LaneKind;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use std::collections::BTreeMap;

fn ms(ns: u64) -> String {
    let ms = ns as f64 / 1e6;
    if ms < 10.0 {
        format!("{ms:.2} ms")
    } else {
        format!("{ms:.0} ms")
    }
}

fn histogram(h: &Histogram, th: &Theme) -> Vec<Line<'static>> {
    let max = h.buckets.iter().copied().max().unwrap_or(0).max(1);
    let (first, last) = match (
        h.buckets.iter().position(|&n| n > 0),
        h.buckets.iter().rposition(|&n| n > 0),
    ) {
        (Some(a), Some(b)) => (a, b),
        _ => return vec![],
    };
    (first..=last)
        .map(|i| {
            let floor = Histogram::bucket_floor_us(i);
            let label = if floor >= 1000 {
                format!("≥{}ms", floor / 1000)
            } else {
                format!("≥{floor}µs")
            };
            let n = h.buckets[i];
            let bar =
                "█".repeat(((n as u64 * 20).div_ceil(max as u64)) as usize);
            Line::from(vec![
                Span::styled(format!("  {label:>7} "), th.dim()),
                Span::styled(
                    bar,
                    th.cell(crate::tui::lanes::Cell::Running),
                ),
                Span::raw(format!(" {n}")),
            ])
        })
        .collect()
}

pub fn draw(f: &mut Frame, area: Rect, app: &mut App) {
    let th = app.config.theme;
    let wall = !app.config.redact_wall;
    let block = Block::new()
        .borders(Borders::RIGHT | Borders::BOTTOM)
        .border_style(th.key())
        .title(Span::styled(" inspector · t or Esc closes ", th.title()));
    let inner = block.inner(area);
    let lv = &app.lv;
    let Some(r) = lv.recording() else {
        f.render_widget(block, area);
        f.render_widget(
            Paragraph::new(
                "Run something first; then select a lane (↑↓) and press t.",
            ),
            inner,
        );
        return;
    };
    let tl = r.timeline();
    let Some(lane) = lv.lanes.get(lv.lane) else {
        f.render_widget(block, area);
        return;
    };
    let mut lines: Vec<Line> = Vec::new();
    let b = |s: &str| Span::styled(format!("{s:<9}"), th.dim());
    match &lane.kind {
        LaneKind::Group(members) => {
            lines.push(Line::from(Span::styled(
                lane.name.clone(),
                th.title(),
            )));
            let mut by_end: BTreeMap<&str, usize> = BTreeMap::new();
            let mut busy = 0u64;
            let mut polls = 0usize;
            for m in members {
                if let Some(t) = tl.tasks.get(*m as usize) {
                    *by_end
                        .entry(if t.ended.is_some() {
                            t.end.as_str()
                        } else {
                            "alive"
                        })
                        .or_default() += 1;
                    busy += t.busy_ns();
                    polls += t.polls.len();
                }
            }
            let ends: Vec<String> =
                by_end.iter().map(|(k, v)| format!("{v} {k}")).collect();
            lines.push(Line::raw(format!(
                "{} tasks folded by name: {}",
                members.len(),
                ends.join(", ")
            )));
            lines.push(Line::raw(format!(
                "{}, busy {:.2}u in all",
                super::count(polls, "poll"),
                tl.units(busy)
            )));
            lines.push(Line::from(Span::styled(
                "f unfolds the lanes to inspect one task",
                th.dim(),
            )));
        }
        LaneKind::Waits { task, row } => {
            let rows = crate::view::waits::wait_rows(tl, *task);
            let Some(r) = rows.get(*row) else {
                f.render_widget(block, area);
                return;
            };
            let owner = tl
                .tasks
                .get(*task as usize)
                .map_or("?".into(), |t| t.label());
            lines.push(Line::from(Span::styled(
                lane.name.clone(),
                th.title(),
            )));
            lines.push(Line::raw(format!(
                "labelled waits `{owner}` made; each row holds waits that never overlap"
            )));
            for w in &r.waits {
                lines.push(Line::raw(format!(
                    "{:.2}u–{:.2}u  {}",
                    tl.units(w.start),
                    tl.units(w.end),
                    w.label
                )));
            }
        }
        LaneKind::Thread(i) => {
            let Some(t) = tl.threads.get(*i) else { return };
            lines.push(Line::from(Span::styled(
                lane.name.clone(),
                th.title(),
            )));
            lines.push(Line::raw(format!(
                "thread {} · {}",
                t.name,
                super::count(t.polls.len(), "poll")
            )));
            if wall {
                let busy: u64 =
                    t.polls.iter().map(|(_, p)| p.wall_ns()).sum();
                lines.push(Line::raw(format!(
                    "busy {} (wall clock)",
                    ms(busy)
                )));
            }
        }
        LaneKind::Task(i) => {
            let Some(t) = tl.tasks.get(*i as usize) else {
                return;
            };
            lines.push(Line::from(vec![
                Span::styled(t.label(), th.title()),
                Span::styled(
                    // tokio's ids count every task of the process: not shown
                    // when figures must be reproducible.
                    if wall {
                        format!(
                            "  {} · tokio id {}",
                            t.info.kind.as_str(),
                            t.info.tokio_id
                        )
                    } else {
                        format!("  {}", t.info.kind.as_str())
                    },
                    th.dim(),
                ),
            ]));
            let parent = t
                .info
                .parent
                .and_then(|p| tl.tasks.get(p as usize))
                .map(|p| format!(" by {}", p.label()))
                .unwrap_or_default();
            let loc = t
                .info
                .spawned_at
                .as_ref()
                .map(|l| l.to_string())
                .unwrap_or_else(|| "?".into());
            lines.push(Line::from(vec![
                b("spawned"),
                Span::raw(format!(
                    "{:.2}u{parent}, at {loc}",
                    tl.units(t.spawned.rt_ns)
                )),
            ]));
            let outcome = match t.ended {
                Some(e) => format!(
                    "{} at {:.2}u",
                    t.end.as_str(),
                    tl.units(e.rt_ns)
                ),
                None => "alive at the cursor".into(),
            };
            lines.push(Line::from(vec![b("outcome"), Span::raw(outcome)]));
            lines.push(Line::from(vec![
                b("time"),
                Span::styled(
                    format!("busy {:.2}u", tl.units(t.busy_ns())),
                    th.cell(crate::tui::lanes::Cell::Running),
                ),
                Span::raw(" · "),
                Span::styled(
                    format!("scheduled {:.2}u", tl.units(t.scheduled_ns())),
                    th.cell(crate::tui::lanes::Cell::Scheduled),
                ),
                Span::raw(" · "),
                Span::styled(
                    format!("idle {:.2}u", tl.units(t.idle_ns())),
                    th.cell(crate::tui::lanes::Cell::Idle),
                ),
            ]));
            let mut polls = format!("{}", t.polls.len());
            if let Some(p) = t.longest_poll().filter(|_| wall) {
                polls += &format!(
                    " · longest {} at {:.2}u",
                    ms(p.wall_ns()),
                    tl.units(p.start.rt_ns)
                );
                if wall {
                    polls +=
                        &format!(" · busy {} wall", ms(t.busy_wall_ns()));
                }
            }
            lines.push(Line::from(vec![b("polls"), Span::raw(polls)]));
            let (mut selfw, mut rt, mut by) =
                (0, 0, BTreeMap::<String, usize>::new());
            for w in &t.wakes {
                match w.source {
                    WakeSource::SelfWake => selfw += 1,
                    WakeSource::Runtime => rt += 1,
                    WakeSource::Task(o) => {
                        *by.entry(
                            tl.tasks
                                .get(o as usize)
                                .map_or("?".into(), |t| t.label()),
                        )
                        .or_default() += 1
                    }
                }
            }
            let mut wakes = format!(
                "{}: {rt} by the runtime (timer, I/O, a yield)",
                t.wakes.len()
            );
            for (who, n) in &by {
                wakes += &format!(", {n} by {who}");
            }
            if selfw > 0 {
                wakes += &format!(", {selfw} by itself");
            }
            lines.push(Line::from(vec![b("wakes"), Span::raw(wakes)]));
            // What it waited on, and how long.
            let mut waits: BTreeMap<String, u64> = BTreeMap::new();
            for iv in
                t.intervals.iter().filter(|iv| iv.state == TaskState::Idle)
            {
                let on = match iv.waiting_on.and_then(|r| tl.resource(r)) {
                    Some(r) => r.info.describe(),
                    None if iv.timer_pending => "a timer".into(),
                    None => match tl.joined(t, iv) {
                        Some(by) => format!(
                            "the JoinHandle of `{}`",
                            tl.tasks[by as usize].label()
                        ),
                        None => {
                            "something unnamed (a JoinHandle, a future)"
                                .into()
                        }
                    },
                };
                *waits.entry(on).or_default() +=
                    iv.end.rt_ns.saturating_sub(iv.start.rt_ns);
            }
            let mut waits: Vec<(String, u64)> = waits.into_iter().collect();
            waits.sort_by_key(|w| std::cmp::Reverse(w.1));
            if waits.is_empty() {
                lines.push(Line::from(vec![
                    b("waited"),
                    Span::raw("never idle"),
                ]));
            }
            for (i, (on, ns)) in waits.iter().take(4).enumerate() {
                lines.push(Line::from(vec![
                    b(if i == 0 { "waited" } else { "" }),
                    Span::raw(format!("{:.2}u on {on}", tl.units(*ns))),
                ]));
            }
            let lints = crate::view::lints::task_lints(tl, t);
            if lints.is_empty() {
                lines.push(Line::from(vec![
                    b("lints"),
                    Span::styled("✓ nothing to flag", th.good()),
                ]));
            }
            for l in lints {
                lines.push(Line::from(vec![
                    Span::styled("⚠ ", th.warn()),
                    Span::raw(l.sentence(tl, wall)),
                ]));
            }
            // Last: on a small screen the pane is cut from the bottom.
            if wall && !t.polls.is_empty() {
                lines.push(Line::from(Span::styled(
                    "poll durations (wall clock)",
                    th.dim(),
                )));
                lines.extend(histogram(&t.histogram, &th));
            }
        }
    }
    super::scrolled_pane(
        f,
        area,
        app,
        "inspector · t or Esc closes",
        lines,
    );
}
