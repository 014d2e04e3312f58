//! The text timeline: one lane per task, then the same facts in plain words.
//!
//! ```text
//! breakfast — Breakfast: waiting one after another or together
//! coffee=3 mode=together toast=2 · virtual clock · 1u = 1000 ms · total 3.00u
//!
//!        0u       0.5u     1u       1.5u     2u       2.5u     3u
//!        ├────────┼────────┼────────┼────────┼────────┼────────┤
//!   main ╷░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░╷░░░░░░░░░░░░░░░░╷ completed 3.00u
//! coffee ╷░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░╷ completed 3.00u
//!  toast ╷░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░╷✓                 completed 2.00u
//! █ running  ╷ brief poll  ▒ scheduled  ░ idle  ▓ blocking  ✓ done  ✕ cancelled
//! ! panicked
//!
//! main: spawned at 0.00u, completed at 3.00u; 3 polls; idle 3.00u
//! coffee: spawned at 0.00u, completed at 3.00u; 2 polls; idle 3.00u waiting on
//!     Sleep 3000 ms
//! …
//! ```
//!
//! Every column covers an equal slice of the runtime clock and shows one glyph, by the rule of
//! [`crate::view::cells`] (the TUI draws the same cells): `█` running for most of the slice
//! (`▓` on the blocking pool), `╷` a briefer poll (every poll on a paused clock), otherwise
//! the longest of `▒` scheduled and `░` idle; `✕`/`!` where the task ended cancelled/panicked,
//! `✓` just after it completed, blank where it was not alive. With more than one thread at
//! work, a lane per thread follows (`main thread`, `worker N`, `blocking N`). Probe tasks (the
//! heartbeat) get no lane, only a summary line.
//! Every line fits the width; long sentences wrap.

use crate::timeline::{TaskLine, TaskState, Timeline};
use crate::trace::{ResourceIdx, TaskKind};
use crate::view::cells::{task_cells, thread_cells};
use crate::view::findings::{Finding, findings};
use crate::view::lints::ms as fmt_ms;
use crate::view::waits;
use crate::view::{Cell, LEGEND, Window, axis, names};
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// Narrower widths are widened to this.
pub const MIN_WIDTH: u16 = 40;

/// The timeline as text, no line wider than `width` characters (at least [`MIN_WIDTH`]).
pub fn render(timeline: &Timeline, width: u16) -> String {
    let tl = timeline;
    let mut out = Out {
        width: width.max(MIN_WIDTH) as usize,
        text: String::new(),
    };
    header(tl, &mut out);
    out.blank();
    chart(tl, &mut out);
    out.blank();
    words(tl, &mut out);
    out.text
}

/// Lines being written, each at most `width` characters.
struct Out {
    width: usize,
    text: String,
}

impl Out {
    /// A line exactly as given (the caller made it fit), cut if it does not.
    fn line(&mut self, line: &str) {
        let line: String = line.chars().take(self.width).collect();
        self.text.push_str(line.trim_end());
        self.text.push('\n');
    }

    fn blank(&mut self) {
        self.text.push('\n');
    }

    /// Phrases joined by `sep`, a line break only between phrases (unless one is longer than
    /// a line); continuation lines are indented by `indent` spaces.
    fn packed(&mut self, parts: &[String], sep: &str, indent: usize) {
        let mut line = String::new();
        for part in parts {
            if !line.is_empty()
                && char_len(&line) + char_len(sep) + char_len(part)
                    > self.width
            {
                self.fit(&line, indent);
                line = " ".repeat(indent);
            } else if !line.is_empty() {
                line.push_str(sep);
            }
            line.push_str(part);
        }
        self.fit(&line, indent);
    }

    /// A line as it is if it fits, word-wrapped if not.
    fn fit(&mut self, line: &str, indent: usize) {
        if char_len(line) <= self.width {
            self.line(line);
        } else {
            self.wrapped(line, indent);
        }
    }

    /// A sentence, word-wrapped; continuation lines are indented by `indent` spaces.
    fn wrapped(&mut self, text: &str, indent: usize) {
        for line in wrap(text, self.width, indent) {
            self.line(&line);
        }
    }
}

fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// Word-wraps `text` to `width` characters (counted as chars); continuation lines start with
/// `indent` spaces, leading spaces of `text` are kept, words longer than a line are cut.
pub fn wrap(text: &str, width: usize, indent: usize) -> Vec<String> {
    let width = width.max(1);
    let indent = indent.min(width / 2);
    let mut lines = Vec::new();
    // Leading spaces are kept.
    let lead =
        (text.len() - text.trim_start_matches(' ').len()).min(width / 2);
    let mut line = " ".repeat(lead);
    // Characters on the current line, and where its text starts (after the indent).
    let (mut len, mut start) = (lead, lead);
    for word in text
        .split(|c: char| c == ' ' || c.is_control())
        .filter(|w| !w.is_empty())
    {
        let chars: Vec<char> = word.chars().collect();
        // What is left of the word: a slice, so cutting a long one is linear in its length.
        let mut word = chars.as_slice();
        loop {
            let sep = usize::from(len > start);
            if len + sep + word.len() <= width {
                if sep == 1 {
                    line.push(' ');
                }
                line.extend(word.iter());
                len += sep + word.len();
                break;
            }
            if len == start {
                // A word longer than a whole line: cut it.
                let (head, rest) = word.split_at(width - len);
                line.extend(head.iter());
                word = rest;
            }
            lines.push(std::mem::replace(&mut line, " ".repeat(indent)));
            (len, start) = (indent, indent);
        }
    }
    if len > start || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// A runtime-clock time in units, "2.50u".
fn fmt_u(tl: &Timeline, rt_ns: u64) -> String {
    format!("{:.2}u", tl.units(rt_ns))
}

fn header(tl: &Timeline, out: &mut Out) {
    let h = &tl.header;
    // An exercise's run is titled with its own name: say it once.
    if h.title.is_empty() || h.title == h.scenario {
        out.wrapped(&h.scenario, 2);
    } else {
        out.wrapped(&format!("{} — {}", h.scenario, h.title), 2);
    }
    let mut parts: Vec<String> = Vec::new();
    if !h.knobs.is_empty() {
        parts.push(h.knobs_line());
    }
    parts.push(format!("{} clock", h.clock.as_str()));
    parts.push(format!("1u = {} ms", h.unit_ms));
    if h.flavor == "multi_thread" {
        parts.push(format!("{} worker threads", h.workers));
    }
    let total = fmt_u(tl, tl.finish_stamp().rt_ns);
    parts.push(if tl.timed_out {
        format!("stopped at its time limit, {total}")
    } else if tl.run_end.is_none() {
        format!("trace ends at {total}")
    } else {
        format!("total {total}")
    });
    out.packed(&parts, " · ", 2);
}

/// How the time axis is cut into columns.
struct Axis {
    /// Chart columns: `ticks * per_tick`.
    cols: usize,
    ticks: usize,
    per_tick: usize,
    /// Units between ticks.
    step: f64,
    /// Runtime-clock ns the chart spans (`ticks * step` units).
    span_ns: f64,
}

impl Axis {
    /// The window of the runtime clock the chart draws.
    fn window(&self) -> Window {
        Window {
            start: 0,
            span: self.span_ns.round() as u64,
            cols: self.cols,
            clip: u64::MAX,
        }
    }

    fn label(&self, i: usize) -> String {
        axis::label(i as f64 * self.step, self.step)
    }
}

/// Picks the smallest 1-2-5 step whose labels do not crowd each other in `avail` columns.
fn choose_axis(total_units: f64, unit_ns: f64, avail: usize) -> Axis {
    let avail = avail.max(2);
    let total = if total_units > 0.0 { total_units } else { 1.0 };
    let make = |step: f64, ticks: usize| {
        let per_tick = (avail / ticks).max(1);
        Axis {
            cols: ticks * per_tick,
            ticks,
            per_tick,
            step,
            span_ns: ticks as f64 * step * unit_ns,
        }
    };
    for step in axis::steps() {
        // A run that overshoots a tick by a hair (real clocks do) ends in the last column.
        let hair = (0.02 * step).max(0.01 * total);
        let ticks = ((total - hair) / step).ceil().max(1.0) as usize;
        if ticks > avail {
            continue;
        }
        let per_tick = avail / ticks;
        let widest = (0..=ticks)
            .map(|i| char_len(&axis::label(i as f64 * step, step)))
            .max()
            .unwrap_or(2);
        if per_tick >= (widest + 2).max(6) {
            return make(step, ticks);
        }
    }
    // Too narrow for any tick but the ends.
    let step = 10f64.powf(total.log10().ceil());
    make(step, 1)
}

fn outcome_text(tl: &Timeline, t: &TaskLine) -> String {
    match t.ended {
        Some(e) => format!("{} {}", t.end.as_str(), fmt_u(tl, e.rt_ns)),
        None => "running".to_string(),
    }
}

/// Widths and the axis of the chart at one text width.
struct Layout {
    name_w: usize,
    axis: Axis,
}

fn layout(tl: &Timeline, width: usize) -> Layout {
    let w = width;
    let lanes = names::task_lanes(tl);
    let outcome_w = lanes
        .iter()
        .map(|t| char_len(&outcome_text(tl, t)))
        .max()
        .unwrap_or(0);
    let longest_name = lanes
        .iter()
        .map(|t| char_len(&t.label()))
        .chain(lanes.iter().flat_map(|t| {
            waits::wait_rows(tl, t.info.idx)
                .into_iter()
                .map(|r| char_len(&r.name))
        }))
        .chain(names::thread_lanes(tl).iter().map(|(_, n)| char_len(n)))
        .max()
        .unwrap_or(4);
    // Names get up to 14 columns, but the chart keeps at least 16.
    let room_for_name = w.saturating_sub(outcome_w + 2 + 16).max(4);
    let name_w = longest_name.clamp(4, 14).min(room_for_name);
    let total_ns = tl.end.rt_ns.max(tl.finish_stamp().rt_ns);
    let unit_ns = tl.unit_ns();
    // The last tick's label may run past the chart; leave it room.
    let mut avail = w.saturating_sub(name_w + 2 + outcome_w).max(2);
    let axis = loop {
        let axis = choose_axis(tl.units(total_ns), unit_ns, avail);
        let last_label = char_len(&axis.label(axis.ticks));
        if name_w + 1 + axis.cols + last_label <= w || avail <= 2 {
            break axis;
        }
        avail -= 1;
    };
    Layout { name_w, axis }
}

/// The window of the runtime clock the chart of [`render`] at `width` draws: its lanes are
/// [`crate::view::cells`] of this window.
pub fn chart_window(timeline: &Timeline, width: u16) -> Window {
    layout(timeline, width.max(MIN_WIDTH) as usize)
        .axis
        .window()
}

fn glyphs(cells: &[Cell]) -> String {
    cells.iter().map(|c| c.glyph()).collect()
}

fn chart(tl: &Timeline, out: &mut Out) {
    let lanes = names::task_lanes(tl);
    let Layout { name_w, axis } = layout(tl, out.width);
    let window = axis.window();

    // The axis: labels over tick marks.
    let pad = " ".repeat(name_w + 1);
    let mut labels = pad.clone();
    let mut at = 0;
    for i in 0..=axis.ticks {
        let col = i * axis.per_tick;
        if col < at {
            continue;
        }
        labels.push_str(&" ".repeat(col - at));
        let l = axis.label(i);
        at = col + char_len(&l);
        labels.push_str(&l);
    }
    out.line(&labels);
    let mut ticks = pad;
    for col in 0..=axis.cols {
        ticks.push(if col == 0 {
            '├'
        } else if col == axis.cols {
            '┤'
        } else if col % axis.per_tick == 0 {
            '┼'
        } else {
            '─'
        });
    }
    out.line(&ticks);

    let mut cells = Vec::new();
    for t in &lanes {
        let name = fit_name(&t.label(), name_w);
        task_cells(t, &window, &mut cells);
        let outcome = outcome_text(tl, t);
        out.line(&format!("{name:>name_w$} {} {outcome}", glyphs(&cells)));
        // Its labelled waits (concurrency inside the task) under it.
        for row in waits::wait_rows(tl, t.info.idx) {
            let name = fit_name(&row.name, name_w);
            let lane = glyphs(&waits::wait_cells(&row, &window));
            out.line(&format!("{name:>name_w$} {lane}"));
        }
    }
    if lanes.is_empty() {
        out.line("(no tasks recorded)");
    }
    for (i, name) in names::thread_lanes(tl) {
        let name = fit_name(&name, name_w);
        let lane = glyphs(&thread_cells(tl, i, &window));
        out.line(&format!("{name:>name_w$} {lane}"));
    }

    let legend: Vec<String> = LEGEND
        .iter()
        .map(|(cell, what)| format!("{} {what}", cell.glyph()))
        .collect();
    out.packed(&legend, "  ", 0);
}

fn fit_name(name: &str, w: usize) -> String {
    if char_len(name) <= w {
        name.to_string()
    } else {
        let mut s: String =
            name.chars().take(w.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

/// Is `r` asyncscope's own timer (the run's time limit)? It names nothing a learner waits on.
fn is_run_limit(tl: &Timeline, r: ResourceIdx) -> bool {
    tl.resource(r).is_some_and(|r| r.info.probe)
}

/// "idle 2.60u (2.50u on Sleep 3000 ms, 0.10u on Sleep 100 ms)", or `None` if never idle.
/// Resources that read the same are one group ("2 × Sleep 200 ms").
fn idle_words(tl: &Timeline, t: &TaskLine) -> Option<String> {
    // (what it waited on, for how long, how many distinct resources read that way)
    let mut groups: Vec<(Option<String>, u64, BTreeSet<ResourceIdx>)> =
        Vec::new();
    for iv in t.intervals.iter().filter(|i| i.state == TaskState::Idle) {
        let d = iv.end.rt_ns.saturating_sub(iv.start.rt_ns);
        if d == 0 {
            continue;
        }
        let on = iv.waiting_on.filter(|r| !is_run_limit(tl, *r));
        let what = on
            .map(|r| {
                tl.resource(r).map_or_else(
                    || format!("resource #{r}"),
                    |r| r.info.describe(),
                )
            })
            .or_else(|| {
                let by = tl.joined(t, iv)?;
                Some(format!(
                    "{} {}",
                    if crate::view::lints::is_asyncio(tl) {
                        "the task"
                    } else {
                        "the JoinHandle of"
                    },
                    tl.tasks[by as usize].label()
                ))
            });
        let i = match groups.iter().position(|(w, _, _)| *w == what) {
            Some(i) => i,
            None => {
                groups.push((what, 0, BTreeSet::new()));
                groups.len() - 1
            }
        };
        groups[i].1 += d;
        groups[i].2.extend(on);
    }
    let total: u64 = groups.iter().map(|(_, d, _)| d).sum();
    if total == 0 {
        return None;
    }
    let name = |what: &str, count: usize| {
        if count > 1 {
            format!("{count} × {what}")
        } else {
            what.to_string()
        }
    };
    Some(match groups.as_slice() {
        [(None, _, _)] => format!("idle {}", fmt_u(tl, total)),
        [(Some(what), _, rs)] => {
            format!(
                "idle {} waiting on {}",
                fmt_u(tl, total),
                name(what, rs.len())
            )
        }
        _ => {
            let parts: Vec<String> = groups
                .iter()
                .map(|(what, d, rs)| match what {
                    Some(what) => format!(
                        "{} on {}",
                        fmt_u(tl, *d),
                        name(what, rs.len())
                    ),
                    None => {
                        format!("{} on something unnamed", fmt_u(tl, *d))
                    }
                })
                .collect();
            format!("idle {} ({})", fmt_u(tl, total), parts.join(", "))
        }
    })
}

/// The plain-words line of one task.
fn task_words(tl: &Timeline, t: &TaskLine) -> String {
    let mut s =
        format!("{}: spawned at {}", t.label(), fmt_u(tl, t.spawned.rt_ns));
    match t.ended {
        Some(e) => {
            let _ =
                write!(s, ", {} at {}", t.end.as_str(), fmt_u(tl, e.rt_ns));
        }
        None => s.push_str(", still running when the trace ends"),
    }
    if t.info.kind == TaskKind::Blocking {
        let _ = write!(
            s,
            "; ran on the blocking pool for {}",
            fmt_ms(t.busy_wall_ns())
        );
    } else {
        let n = t.polls.len();
        let _ = write!(s, "; {n} poll{}", if n == 1 { "" } else { "s" });
    }
    if let Some(idle) = idle_words(tl, t) {
        let _ = write!(s, "; {idle}");
    }
    let sched = t.scheduled_ns();
    if tl.units(sched) >= 0.005 {
        let _ = write!(
            s,
            "; scheduled {} waiting for a thread",
            fmt_u(tl, sched)
        );
    }
    let wakers: BTreeSet<String> = t
        .wakes
        .iter()
        .filter_map(|w| match w.source {
            crate::timeline::WakeSource::Task(by) if by != t.info.idx => {
                tl.tasks.get(by as usize).map(TaskLine::label)
            }
            _ => None,
        })
        .collect();
    if !wakers.is_empty() {
        let names: Vec<String> = wakers.into_iter().collect();
        let _ = write!(s, "; woken by {}", names.join(", "));
    }
    s
}

fn words(tl: &Timeline, out: &mut Out) {
    for t in names::task_lanes(tl) {
        out.wrapped(&task_words(tl, t), 4);
    }

    if !tl.marks.is_empty() {
        out.blank();
        out.line("marks:");
        for m in &tl.marks {
            let who = m
                .task
                .and_then(|i| tl.tasks.get(i as usize))
                .map_or_else(|| "runtime".to_string(), TaskLine::label);
            out.wrapped(
                &format!("  {} {who}: {}", fmt_u(tl, m.at.rt_ns), m.text),
                6,
            );
        }
    }

    let found = findings(tl, true);
    let values: Vec<String> = found
        .iter()
        .filter(|f| matches!(f, Finding::Value(..)))
        .map(|f| format!("  {}", f.line()))
        .collect();
    if !values.is_empty() {
        out.blank();
        out.line("values:");
        for v in values {
            out.wrapped(&v, 6);
        }
    }
    let notes: Vec<String> = found
        .iter()
        .filter(|f| !matches!(f, Finding::Value(..)))
        .map(Finding::line)
        .collect();
    if !notes.is_empty() {
        out.blank();
        for n in notes {
            out.wrapped(&n, 2);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_respects_width_and_indent() {
        let lines = wrap("aaa bbb ccc ddd eee", 8, 2);
        assert_eq!(lines, ["aaa bbb", "  ccc", "  ddd", "  eee"]);
        let lines = wrap("abcdefghijkl", 5, 2);
        assert!(lines.iter().all(|l| l.chars().count() <= 5), "{lines:?}");
        assert_eq!(wrap("", 10, 2), [""]);
        assert_eq!(wrap("  two\nlines", 40, 4), ["  two lines"]);
        assert_eq!(wrap("ab", 0, 0), ["a", "b"]);
    }

    #[test]
    fn a_word_longer_than_many_lines_is_cut_into_full_lines() {
        let word: String = (0..100_000)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        let lines = wrap(&format!("x {word}"), 80, 4);
        assert_eq!(lines[0], "x");
        assert!(lines[1..].iter().all(|l| l.starts_with("    ")));
        assert!(lines[1..lines.len() - 1].iter().all(|l| l.len() == 80));
        let joined: String =
            lines[1..].iter().map(|l| l.trim_start()).collect();
        assert_eq!(joined, word);
    }

    #[test]
    fn axis_ticks_do_not_crowd() {
        let axis = choose_axis(3.0, 1e9, 54);
        assert_eq!(axis.step, 0.5);
        assert_eq!(axis.ticks, 6);
        assert!(axis.cols <= 54);
        let axis = choose_axis(0.4, 1e9, 20);
        assert!(axis.per_tick >= 6);
    }
}
