//! The text timeline: one lane per task, then the same facts in plain words.
//!
//! ```text
//! breakfast — Breakfast: waiting one after another or together
//! coffee=3 mode=together toast=2 · virtual clock · 1u = 1000 ms · total 3.00u
//!
//!        0u       0.5u     1u       1.5u     2u       2.5u     3u
//!        ├────────┼────────┼────────┼────────┼────────┼────────┤
//!   main █░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░█░░░░░░░░░░░░░░░░█ completed 3.00u
//! coffee █░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░█ completed 3.00u
//!  toast █░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░█                  completed 2.00u
//! █ running  ▓ blocking  ▒ scheduled  ░ idle  ✕ cancelled  ! panicked
//!
//! main: spawned at 0.00u, completed at 3.00u; 3 polls; idle 3.00u
//! coffee: spawned at 0.00u, completed at 3.00u; 2 polls; idle 3.00u waiting on
//!     Sleep 3000 ms
//! …
//! ```
//!
//! Every column covers an equal slice of the runtime clock and shows one glyph: `█` running (a
//! poll touched the slice, even one that took no virtual time), `▓` blocking-pool work, `▒`
//! scheduled (most of the slice), `░` idle, `✕`/`!` where the task ended cancelled/panicked,
//! blank where it was not alive. Probe tasks (the heartbeat) get no lane, only a summary line.
//! Every line fits the width; long sentences wrap.

use crate::timeline::{End, TaskLine, TaskState, ThreadLine, Timeline};
use crate::trace::{ResourceIdx, TaskKind};
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// Narrower widths are widened to this.
pub const MIN_WIDTH: u16 = 40;
/// Polls longer than this (wall clock) get a warning: nothing else ran on that thread meanwhile.
pub const LONG_POLL_MS: u64 = 10;

const RUNNING: char = '█';
const BLOCKING: char = '▓';
const SCHEDULED: char = '▒';
const IDLE: char = '░';
const CANCELLED: char = '✕';
const PANICKED: char = '!';

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
        let mut word: Vec<char> = word.chars().collect();
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
                line.extend(word.drain(..width - len));
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

/// A wall-clock duration in ms, "0.1 ms", "200 ms".
fn fmt_ms(ns: u64) -> String {
    let ms = ns as f64 / 1e6;
    if ms < 10.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.0} ms")
    }
}

fn header(tl: &Timeline, out: &mut Out) {
    let h = &tl.header;
    if h.title.is_empty() {
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

/// Tasks that get a lane: not probes; the root first, then in spawn order.
fn lanes(tl: &Timeline) -> Vec<&TaskLine> {
    let mut lanes: Vec<&TaskLine> = tl.scenario_tasks().collect();
    lanes.sort_by_key(|t| {
        (t.info.kind != TaskKind::BlockOn, t.spawned, t.info.idx)
    });
    lanes
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
    /// The column holding moment `rt_ns`.
    fn col(&self, rt_ns: u64) -> usize {
        let x = rt_ns as f64 * self.cols as f64 / self.span_ns;
        ((x + 1e-9).floor().max(0.0) as usize).min(self.cols - 1)
    }

    /// The columns an interval touches: those it overlaps, or the one holding it if it is empty.
    fn cols_of(
        &self,
        start: u64,
        end: u64,
    ) -> std::ops::RangeInclusive<usize> {
        let first = self.col(start);
        if end <= start {
            return first..=first;
        }
        let x = end as f64 * self.cols as f64 / self.span_ns;
        let last = ((x - 1e-9).ceil() as usize)
            .saturating_sub(1)
            .min(self.cols - 1);
        first..=last.max(first)
    }

    /// Runtime-clock ns of the overlap of `[start, end)` with column `col`.
    fn overlap(&self, col: usize, start: u64, end: u64) -> f64 {
        let slice = self.span_ns / self.cols as f64;
        let (a, b) = (col as f64 * slice, (col + 1) as f64 * slice);
        ((end as f64).min(b) - (start as f64).max(a)).max(0.0)
    }

    fn label(&self, i: usize) -> String {
        label(i as f64 * self.step, self.step)
    }
}

/// "0u", "0.5u", "12u": a tick's label with as many decimals as the step needs.
fn label(units: f64, step: f64) -> String {
    let decimals = if step >= 1.0 {
        0
    } else {
        (-step.log10() - 1e-9).ceil() as usize
    };
    let mut s = format!("{units:.decimals$}");
    if s.contains('.') {
        s = s.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    s + "u"
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
    for exp in -6..=9 {
        for m in [1.0, 2.0, 5.0] {
            let step = m * 10f64.powi(exp);
            // A run that overshoots a tick by a hair (real clocks do) ends in the last column.
            let hair = (0.02 * step).max(0.01 * total);
            let ticks = ((total - hair) / step).ceil().max(1.0) as usize;
            if ticks > avail {
                continue;
            }
            let per_tick = avail / ticks;
            let widest = (0..=ticks)
                .map(|i| char_len(&label(i as f64 * step, step)))
                .max()
                .unwrap_or(2);
            if per_tick >= (widest + 2).max(6) {
                return make(step, ticks);
            }
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

fn chart(tl: &Timeline, out: &mut Out) {
    let lanes = lanes(tl);
    let w = out.width;
    let outcomes: Vec<String> =
        lanes.iter().map(|t| outcome_text(tl, t)).collect();
    let outcome_w = outcomes.iter().map(|s| char_len(s)).max().unwrap_or(0);
    let threads = thread_lanes(tl);
    let longest_name = lanes
        .iter()
        .map(|t| char_len(&t.label()))
        .chain(threads.iter().map(|(name, _)| char_len(name)))
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

    for (t, outcome) in lanes.iter().zip(&outcomes) {
        let name = fit_name(&t.label(), name_w);
        let lane = lane(t, &axis, tl.end.rt_ns);
        out.line(&format!("{name:>name_w$} {lane} {outcome}"));
    }
    if lanes.is_empty() {
        out.line("(no tasks recorded)");
    }
    for (name, th) in &threads {
        let glyph = if th.blocking_pool { BLOCKING } else { RUNNING };
        let mut cols = vec![' '; axis.cols];
        for (_, p) in &th.polls {
            for c in axis.cols_of(p.start.rt_ns, p.end.rt_ns) {
                cols[c] = glyph;
            }
        }
        let lane: String = cols.into_iter().collect();
        let name = fit_name(name, name_w);
        out.line(&format!("{name:>name_w$} {lane}"));
    }

    let legend = [
        format!("{RUNNING} running"),
        format!("{BLOCKING} blocking"),
        format!("{SCHEDULED} scheduled"),
        format!("{IDLE} idle"),
        format!("{CANCELLED} cancelled"),
        format!("{PANICKED} panicked"),
    ];
    out.packed(&legend, "  ", 0);
}

/// With more than one thread at work, a lane per thread shows where the parallelism is: the
/// thread that ran `main` (block_on), the runtime's workers, the blocking pool.
fn thread_lanes(tl: &Timeline) -> Vec<(String, &ThreadLine)> {
    let busy: Vec<&ThreadLine> =
        tl.threads.iter().filter(|t| !t.polls.is_empty()).collect();
    if busy.len() < 2 {
        return Vec::new();
    }
    let (mut workers, mut pool) = (0, 0);
    busy.into_iter()
        .map(|th| {
            let ran_main = th.polls.iter().any(|(task, _)| {
                tl.tasks[*task as usize].info.kind == TaskKind::BlockOn
            });
            let name = if ran_main {
                "main thread".to_string()
            } else if th.blocking_pool {
                pool += 1;
                format!("blocking {pool}")
            } else {
                workers += 1;
                format!("worker {workers}")
            };
            (name, th)
        })
        .collect()
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

/// One task's lane, `axis.cols` characters.
fn lane(t: &TaskLine, axis: &Axis, trace_end_ns: u64) -> String {
    let n = axis.cols;
    let blocking_task = t.info.kind == TaskKind::Blocking;
    let mut work = vec![false; n];
    let mut blocking = vec![false; n];
    let mut scheduled = vec![0.0f64; n];
    let mut idle = vec![0.0f64; n];
    let mut touched_scheduled = vec![false; n];
    for p in &t.polls {
        for c in axis.cols_of(p.start.rt_ns, p.end.rt_ns) {
            if blocking_task {
                blocking[c] = true;
            } else {
                work[c] = true;
            }
        }
    }
    for iv in &t.intervals {
        let (a, b) = (iv.start.rt_ns, iv.end.rt_ns);
        for c in axis.cols_of(a, b) {
            match iv.state {
                TaskState::Running => work[c] = true,
                TaskState::Blocking => blocking[c] = true,
                TaskState::Scheduled => {
                    scheduled[c] += axis.overlap(c, a, b);
                    touched_scheduled[c] = true;
                }
                TaskState::Idle => idle[c] += axis.overlap(c, a, b),
            }
        }
    }
    let first = axis.col(t.spawned.rt_ns);
    let last = axis.col(t.ended.map_or(trace_end_ns, |e| e.rt_ns));
    let end_glyph = match (t.ended, t.end) {
        (Some(_), End::Cancelled) => Some(CANCELLED),
        (Some(_), End::Panicked) => Some(PANICKED),
        _ => None,
    };
    (0..n)
        .map(|c| {
            if c < first || c > last {
                ' '
            } else if c == last && end_glyph.is_some() {
                end_glyph.unwrap_or(' ')
            } else if work[c] {
                RUNNING
            } else if blocking[c] {
                BLOCKING
            } else if scheduled[c] > idle[c]
                || (idle[c] == 0.0 && touched_scheduled[c])
            {
                SCHEDULED
            } else {
                IDLE
            }
        })
        .collect()
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
        let what = on.map(|r| {
            tl.resource(r).map_or_else(
                || format!("resource #{r}"),
                |r| r.info.describe(),
            )
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
    for t in lanes(tl) {
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

    if !tl.values.is_empty() {
        out.blank();
        out.line("values:");
        for (key, value) in &tl.values {
            out.wrapped(&format!("  {key}: {}", value_words(value)), 6);
        }
    }

    let mut notes: Vec<String> = Vec::new();
    for probe in tl.tasks.iter().filter(|t| t.info.probe) {
        if tl.heartbeats.is_empty() {
            notes.push(format!("{} (probe, not drawn)", probe.label()));
        }
    }
    if !tl.heartbeats.is_empty() {
        let ms = |us: Option<u32>| fmt_ms(us.unwrap_or(0) as u64 * 1000);
        notes.push(format!(
            "heartbeat (probe, not drawn): {} ticks, lag p50 {}, p99 {}, max {}",
            tl.heartbeats.len(),
            ms(tl.heartbeat_lag_percentile(50.0)),
            ms(tl.heartbeat_lag_percentile(99.0)),
            ms(tl.max_heartbeat_lag_us()),
        ));
    }
    notes.extend(warnings(tl));
    if !notes.is_empty() {
        out.blank();
        for n in notes {
            out.wrapped(&n, 2);
        }
    }
}

/// A value as a learner reads it: lists joined by commas, text unquoted, 1.0 as 1.
fn value_words(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => match n.as_f64() {
            Some(x) if x.fract() == 0.0 && x.abs() < 1e15 => {
                format!("{}", x as i64)
            }
            _ => n.to_string(),
        },
        serde_json::Value::Array(items) => {
            items.iter().map(value_words).collect::<Vec<_>>().join(", ")
        }
        other => other.to_string(),
    }
}

/// Sentences about what went wrong, each starting "warning:".
fn warnings(tl: &Timeline) -> Vec<String> {
    let mut w = Vec::new();
    let limit_ns = LONG_POLL_MS * 1_000_000;
    for t in tl.scenario_tasks() {
        if t.info.kind == TaskKind::Blocking {
            continue; // holding a blocking-pool thread is what it is for
        }
        let Some(longest) = t.longest_poll() else {
            continue;
        };
        if longest.wall_ns() <= limit_ns {
            continue;
        }
        let mut s = format!(
            "warning: {} held the runtime thread for {} in one poll",
            t.label(),
            fmt_ms(longest.wall_ns())
        );
        let more =
            t.polls.iter().filter(|p| p.wall_ns() > limit_ns).count();
        if more > 1 {
            let _ = write!(s, " ({more} polls over {LONG_POLL_MS} ms)");
        }
        if let Some(at) = &t.info.spawned_at {
            let _ = write!(s, " ({}:{})", at.file, at.line);
        }
        s.push_str(": nothing else could run on that thread meanwhile");
        w.push(s);
    }
    let leaks = tl.leaks();
    if !leaks.is_empty() {
        let names: Vec<String> = leaks
            .iter()
            .filter_map(|i| tl.tasks.get(*i as usize))
            .map(TaskLine::label)
            .collect();
        let (verb, pronoun) = if names.len() == 1 {
            ("was", "it")
        } else {
            ("were", "them")
        };
        w.push(format!(
            "warning: leaked: {} {verb} still alive when the scenario finished (nobody waited \
             for {pronoun})",
            names.join(", ")
        ));
    }
    if let Some(d) = tl.deadlock() {
        w.push(format!("warning: {}", tl.describe_deadlock(&d)));
    }
    if tl.timed_out {
        w.push(format!(
            "warning: timed out: the run was stopped at its time limit, {}",
            fmt_u(tl, tl.finish_stamp().rt_ns)
        ));
    }
    w
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
    fn labels_have_the_decimals_the_step_needs() {
        assert_eq!(label(0.0, 0.5), "0u");
        assert_eq!(label(1.5, 0.5), "1.5u");
        assert_eq!(label(0.05, 0.05), "0.05u");
        assert_eq!(label(20.0, 10.0), "20u");
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
