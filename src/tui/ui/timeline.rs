//! The timeline panel: run header, time axis, marks, one lane per task (or folded group)
//! with a status column saying what each task is doing or waits on, worker threads, the
//! heartbeat lag, the legend, and a detail line for the selected lane.

use super::fit;
use crate::timeline::{End, TaskState, Timeline};
use crate::trace::Clock;
use crate::tui::app::{App, axis_span};
use crate::tui::lanes::{self, Cell, Lane, LaneKind, Window};
use crate::tui::playback::Recording;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

/// Column widths of a lane row.
#[derive(Clone, Copy)]
pub(super) struct Cols {
    pub name: u16,
    pub chart: u16,
    pub status: u16,
}

pub(super) fn columns(width: u16, names: usize, big: bool) -> Cols {
    let status = if width >= 120 {
        30
    } else if width >= 100 {
        24
    } else {
        16
    };
    let name = (names as u16).clamp(6, if big { 24 } else { 16 });
    let chart = width.saturating_sub(name + 1 + status + 1).max(1);
    Cols {
        name,
        chart,
        status,
    }
}

/// Time axis: labels on `y`, tick marks on `y + 1`.
#[allow(clippy::too_many_arguments)] // a drawing routine: position, window, clock, marks
pub(super) fn axis(
    buf: &mut Buffer,
    x: u16,
    y: u16,
    w: &Window,
    unit_ns: f64,
    t: &Theme,
    cursor: Option<u64>,
    highlight: Option<u64>,
) {
    let cols = w.cols;
    let mut ticks = vec!['─'; cols];
    // Labels at least 9 columns apart.
    for (c, label) in crate::view::axis::ticks(w, unit_ns, 9) {
        ticks[c] = '┼';
        if c + label.chars().count() <= cols + 4 {
            buf.set_stringn(x + c as u16, y, &label, cols + 4 - c, t.dim());
        }
    }
    ticks[0] = if w.start == 0 { '├' } else { '┼' };
    let s: String = ticks.into_iter().collect();
    buf.set_string(x, y + 1, s, t.dim());
    if let Some(h) = highlight.and_then(|h| w.col(h)) {
        buf.set_string(x + h as u16, y + 1, "▲", t.highlight());
    }
    if let Some(c) = cursor.and_then(|c| w.col(c)) {
        buf.set_string(x + c as u16, y + 1, "▼", t.cursor());
    }
}

/// Rows of the instructor's large type (the 8×8 font at a quadrant of a cell per pixel).
const BIG_ROWS: u16 = 4;

/// The instructor's pointer: the cursor's column drawn down through the lanes, so the room
/// can follow "this moment" across every task.
fn pointer(buf: &mut Buffer, x: u16, top: u16, bottom: u16, t: &Theme) {
    for y in top..bottom {
        let cell = &mut buf[(x, y)];
        if cell.symbol() == " " {
            cell.set_symbol("┊").set_style(t.cursor());
        } else {
            cell.set_style(t.cursor().add_modifier(Modifier::REVERSED));
        }
    }
}

/// `text` in large type across `area`, cut between words to what fits.
fn big_line(f: &mut Frame, area: Rect, text: &str, t: &Theme) {
    // A quadrant-sized glyph is 4 columns wide.
    let room = (area.width / 4) as usize;
    let mut shown = String::new();
    for word in text.split(' ') {
        let next = if shown.is_empty() {
            word.to_string()
        } else {
            format!("{shown} {word}")
        };
        if next.chars().count() > room {
            break;
        }
        shown = next;
    }
    if shown.is_empty() {
        return;
    }
    let big = tui_big_text::BigText::builder()
        .pixel_size(tui_big_text::PixelSize::Quadrant)
        .style(t.key())
        .lines(vec![Line::raw(shown)])
        .build();
    f.render_widget(big, area);
}

/// What a task is doing at the cursor, for its status column.
fn task_status(tl: &Timeline, idx: u32, at: u64) -> (String, Cell) {
    let Some(task) = tl.tasks.get(idx as usize) else {
        return (String::new(), Cell::Empty);
    };
    // `tl` may be the whole run standing in for the view at a paused cursor (big traces):
    // say what the task did at `at`, not how it ended later.
    if let Some(e) = task.ended.filter(|e| e.rt_ns <= at) {
        let u = tl.units(e.rt_ns);
        return match task.end {
            End::Completed => (format!("✓ done {u:.2}u"), Cell::Done),
            End::Cancelled => {
                (format!("✕ cancelled {u:.2}u"), Cell::Cancelled)
            }
            End::Panicked => {
                (format!("! panicked {u:.2}u"), Cell::Panicked)
            }
            End::Ended | End::Running => {
                (format!("ended {u:.2}u"), Cell::Empty)
            }
        };
    }
    if task.spawned.rt_ns > at {
        return ("· not yet".into(), Cell::Empty);
    }
    let started = task.intervals.partition_point(|iv| iv.start.rt_ns <= at);
    let Some(iv) = started.checked_sub(1).map(|i| &task.intervals[i])
    else {
        return ("▒ spawned".into(), Cell::Scheduled);
    };
    match iv.state {
        TaskState::Running => ("█ running".into(), Cell::Running),
        TaskState::Blocking => ("▓ blocking pool".into(), Cell::Blocking),
        TaskState::Scheduled => ("▒ scheduled".into(), Cell::Scheduled),
        TaskState::Idle => {
            let on = iv
                .waiting_on
                .and_then(|r| tl.resource(r))
                .map(|r| r.info.describe());
            let text = match on {
                Some(on) => format!("░ {on}"),
                None if iv.timer_pending => "░ a timer".into(),
                None => "░ idle".into(),
            };
            (text, Cell::Idle)
        }
    }
}

/// The first `entries` of the legend, glyph and word (short words when `narrow`).
pub(super) fn legend(
    t: &Theme,
    narrow: bool,
    entries: usize,
) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    for (cell, what) in lanes::LEGEND.into_iter().take(entries) {
        let what = match cell {
            _ if !narrow => what,
            Cell::Running => "run",
            Cell::Polled => "brief",
            Cell::Scheduled => "sched",
            Cell::Blocking => "block",
            Cell::Cancelled => "cancel",
            Cell::Panicked => "panic",
            _ => what,
        };
        spans.push(Span::styled(cell.glyph().to_string(), t.cell(cell)));
        spans.push(Span::raw(format!(" {what} ")));
    }
    spans
}

/// The text of a lane's status column.
fn lane_status(tl: &Timeline, lane: &Lane, at: u64) -> (String, Cell) {
    match &lane.kind {
        LaneKind::Task(i) => task_status(tl, *i, at),
        LaneKind::Group(members) => {
            let alive = members
                .iter()
                .filter(|m| {
                    tl.tasks
                        .get(**m as usize)
                        .is_some_and(|t| t.ended.is_none())
                })
                .count();
            let cancelled = members
                .iter()
                .filter(|m| {
                    tl.tasks
                        .get(**m as usize)
                        .is_some_and(|t| t.end == End::Cancelled)
                })
                .count();
            let mut s = format!("{alive} alive of {}", members.len());
            if cancelled > 0 {
                s += &format!(", {cancelled} ✕");
            }
            (s, Cell::Empty)
        }
        LaneKind::Thread(th) => {
            let polls = tl.threads.get(*th).map_or(0, |t| t.polls.len());
            (super::count(polls, "poll"), Cell::Empty)
        }
        LaneKind::Waits { task, row } => {
            let rows = crate::view::waits::wait_rows(tl, *task);
            let in_flight = rows.get(*row).and_then(|r| {
                r.waits.iter().find(|w| w.start <= at && at < w.end)
            });
            match in_flight {
                Some(w) => (format!("░ {}", w.label), Cell::Idle),
                None => (String::new(), Cell::Empty),
            }
        }
    }
}

/// Draw lane rows of `tl` (shown up to `at`; `generation` keys the cache) from `y` down to
/// `y_end`; returns (row, lane) pairs drawn.
#[allow(clippy::too_many_arguments)]
pub(super) fn lane_rows(
    buf: &mut Buffer,
    area: Rect,
    y: u16,
    y_end: u16,
    tl: &Timeline,
    generation: u64,
    at: u64,
    lanes: &[Lane],
    cache: &mut lanes::Cache,
    fold: bool,
    w: &Window,
    cols: Cols,
    selected: Option<usize>,
    first: usize,
    t: &Theme,
    highlight: &[String],
    row_h: u16,
) -> Vec<(u16, usize)> {
    let mut hits = Vec::new();
    let mut yy = y;
    let mut i = first;
    while yy + row_h <= y_end && i < lanes.len() {
        let lane = &lanes[i];
        let mut name_style = Style::new();
        if highlight.iter().any(|h| !h.is_empty() && lane.name == *h) {
            name_style = t.highlight();
        }
        if Some(i) == selected {
            name_style = t.selected();
        }
        let name = fit(&lane.name, cols.name as usize);
        let pad = cols.name as usize - name.chars().count();
        buf.set_string(area.x + pad as u16, yy, &name, name_style);
        let cells = cache.row(generation, fold, w, tl, lanes, i);
        let x0 = area.x + cols.name + 1;
        for dy in 0..row_h {
            for (c, cell) in cells.iter().enumerate() {
                if *cell == Cell::Empty {
                    continue;
                }
                if let Some(bc) = buf.cell_mut((x0 + c as u16, yy + dy)) {
                    bc.set_char(cell.glyph());
                    bc.set_style(t.cell(*cell));
                }
            }
        }
        let (status, cell) = lane_status(tl, lane, at);
        let sx = x0 + cols.chart + 1;
        buf.set_stringn(
            sx,
            yy,
            &status,
            cols.status as usize,
            t.cell(cell),
        );
        for dy in 0..row_h {
            hits.push((yy + dy, i));
        }
        yy += row_h;
        i += 1;
    }
    hits
}

fn run_state(r: &Recording) -> (&'static str, &'static str) {
    if r.is_live() && r.follow {
        ("●", "live")
    } else if r.playing {
        ("▶", "playing")
    } else if r.error.is_some() {
        ("✗", "failed")
    } else if r.cursor >= r.events() && !r.is_live() {
        ("■", "done")
    } else {
        ("⏸", "paused")
    }
}

pub fn draw(f: &mut Frame, area: Rect, app: &mut App) {
    app.hits.timeline = area;
    app.hits.lane_rows.clear();
    let t = app.config.theme;
    if area.height < 4 || area.width < 20 {
        return;
    }
    app.lv.sync_lanes();
    if app.lv.compare && app.lv.partner().is_some() {
        compare(f, area, app);
        return;
    }
    let Some(cur) = app.lv.current else {
        let hint = if app.lesson().is_some() {
            "No run yet. Press Enter to run the chosen run: its timeline plays here live, one lane per task."
        } else {
            "Nothing to show: open a trace with o."
        };
        f.render_widget(
            ratatui::widgets::Paragraph::new(hint)
                .wrap(ratatui::widgets::Wrap { trim: true })
                .style(t.dim()),
            Rect {
                x: area.x + 1,
                width: area.width.saturating_sub(2),
                ..area
            },
        );
        return;
    };
    let instructor = app.instructor;
    let redact_wall = app.config.redact_wall;
    // What went wrong in the run, in a line under it (w lists everything it found).
    let warning = super::findings::first_warning(app);
    let lv = &mut app.lv;
    let r = &lv.recordings[cur];
    let tl = r.timeline();
    let buf = f.buffer_mut();
    let mut y = area.y;
    let y_end = area.y + area.height;

    // Header: which run, its state, where the cursor is.
    let (sym, state) = run_state(r);
    let unit_ns = tl.unit_ns().max(1.0);
    let knobs = r.full.header.knobs_line();
    let pos = format!(
        " {sym} {state} · {:.2}u / {:.2}u · {}× · event {}/{} ",
        r.cursor_ns() as f64 / unit_ns,
        r.end_ns() as f64 / unit_ns,
        r.speed(),
        r.cursor,
        r.events()
    );
    let head_style = if instructor {
        t.title().add_modifier(Modifier::REVERSED)
    } else {
        t.title()
    };
    let mut head = vec![Span::styled(format!(" {} ", r.label), head_style)];
    head.push(Span::styled(pos, t.key()));
    // A paced run was recorded on the paused clock: its figures are exact. A real-clock
    // run's depend on the machine, and the screen says so.
    let clock = if r.paced || r.full.header.clock == Clock::Paused {
        "virtual clock: exact times"
    } else {
        "real clock: times vary by machine"
    };
    head.push(Span::styled(format!(" {clock} · {knobs}"), t.dim()));
    buf.set_line(area.x, y, &Line::from(head), area.width);
    y += 1;
    if let Some(e) = &r.error {
        buf.set_stringn(
            area.x + 1,
            y,
            format!("the run failed: {e}"),
            area.width as usize - 1,
            t.bad(),
        );
        y += 1;
    }

    let names = lv
        .lanes
        .iter()
        .map(|l| l.name.chars().count())
        .max()
        .unwrap_or(6);
    let cols = columns(area.width, names, instructor);
    let span = axis_span(r);
    let clip = r.clip_ns();
    let w = lv.window_of(span, cols.chart as usize, clip);
    let cursor = (r.cursor < r.events() || !r.playing && r.is_live())
        .then(|| r.cursor_ns());
    let x0 = area.x + cols.name + 1;
    if y + 2 <= y_end {
        buf.set_stringn(
            area.x,
            y + 1,
            fit("time", cols.name as usize),
            cols.name as usize,
            t.dim(),
        );
        axis(buf, x0, y, &w, unit_ns, &t, cursor, lv.highlight_shown().1);
        y += 2;
    }

    // Marks: a row of ◆ with their text where there is room.
    let marks: Vec<(usize, &str)> = tl
        .marks
        .iter()
        .filter(|m| m.at.rt_ns <= clip)
        .filter_map(|m| w.col(m.at.rt_ns).map(|c| (c, m.text.as_str())))
        .collect();
    // Rows below the lanes: legend, detail, event (and lag when there is a heartbeat).
    let show_lag = !tl.heartbeats.is_empty() && !redact_wall;
    let below = 3 + u16::from(show_lag) + u16::from(warning.is_some());
    if !marks.is_empty() && y + below + 2 <= y_end {
        let name = format!("{:>1$}", "marks", cols.name as usize);
        buf.set_string(area.x, y, name, t.dim());
        let groups = mark_groups(&marks);
        // The last label may run on into the status column: marks at a run's end are read too.
        let row_end = (cols.chart + 1 + cols.status) as usize;
        for (i, (c, texts)) in groups.iter().enumerate() {
            buf.set_string(x0 + *c as u16, y, "◆", t.key());
            let next = groups.get(i + 1).map_or(row_end, |g| g.0);
            let room = next.saturating_sub(c + 2);
            if let Some(label) = mark_label(texts, room) {
                buf.set_string(x0 + *c as u16 + 1, y, label, t.dim());
            }
        }
        y += 1;
    }

    // Lanes.
    let lanes_end = y_end.saturating_sub(below).max(y);
    // On a projector the lanes grow to fill the screen (up to 8 rows each), so the back row
    // can read them; elsewhere one row a lane.
    let row_h = if instructor {
        ((lanes_end - y) as usize / lv.lanes.len().max(1)).clamp(1, 8)
            as u16
    } else {
        1
    };
    let visible = ((lanes_end - y) / row_h) as usize;
    if lv.lane < lv.lane_scroll {
        lv.lane_scroll = lv.lane;
    } else if visible > 0 && lv.lane >= lv.lane_scroll + visible {
        lv.lane_scroll = lv.lane + 1 - visible;
    }
    lv.lane_scroll =
        lv.lane_scroll.min(lv.lanes.len().saturating_sub(visible));
    let fold = lv.folded();
    let lanes_top = y;
    let selected = lv.focus_timeline.then_some(lv.lane).or(Some(lv.lane));
    // Owned: the lanes' cache is borrowed mutably below.
    let highlight = lv.highlight_shown().0.to_vec();
    let hits = lane_rows(
        buf,
        area,
        y,
        lanes_end,
        r.timeline(),
        r.generation,
        r.clip_ns(),
        &lv.lanes,
        &mut lv.cache,
        fold,
        &w,
        cols,
        selected,
        lv.lane_scroll,
        &t,
        &highlight,
        row_h,
    );
    if lv.lanes.len() > visible && visible > 0 {
        let more = format!(
            "lanes {}-{} of {}",
            lv.lane_scroll + 1,
            (lv.lane_scroll + visible).min(lv.lanes.len()),
            lv.lanes.len()
        );
        buf.set_stringn(
            x0 + cols.chart + 1,
            area.y + 1,
            more,
            cols.status as usize,
            t.dim(),
        );
    }
    if lv.lanes.is_empty() {
        buf.set_string(x0, y, "(no tasks yet)", t.dim());
    }
    app.hits.lane_rows = hits;
    let lv = &app.lv;
    let r = &lv.recordings[cur];
    let tl = r.timeline();
    if instructor {
        let used = lv.lanes.len().min(visible) as u16 * row_h;
        if let Some(c) = cursor.and_then(|c| w.col(c)) {
            pointer(
                f.buffer_mut(),
                x0 + c as u16,
                lanes_top,
                lanes_top + used,
                &t,
            );
        }
        // The room the lanes leave below them: the moment in large type.
        let top = lanes_top + used + 1;
        if top + BIG_ROWS <= lanes_end {
            let moment = format!(
                "{:.2}u {}",
                r.event_ns() as f64 / unit_ns,
                r.describe_cursor()
            );
            big_line(
                f,
                Rect::new(x0, top, cols.chart, BIG_ROWS),
                &moment,
                &t,
            );
        }
    }
    let buf = f.buffer_mut();
    let mut y = lanes_end;

    // Heartbeat lag sparkline: wall-clock lateness, so not drawn where figures must repeat.
    if show_lag && y < y_end {
        let lag = lanes::heartbeat_cols(tl, &w);
        let max = tl.max_heartbeat_lag_us().unwrap_or(1).max(1);
        buf.set_string(
            area.x,
            y,
            format!("{:>1$}", "lag", cols.name as usize),
            t.dim(),
        );
        const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
        for (c, l) in lag.iter().enumerate() {
            if let Some(l) = l {
                let i = (*l as u64 * 7 / max as u64) as usize;
                let style = if *l > 10_000 {
                    t.bad()
                } else {
                    t.cell(Cell::Scheduled)
                };
                buf.set_string(
                    x0 + c as u16,
                    y,
                    BARS[i.min(7)].to_string(),
                    style,
                );
            }
        }
        buf.set_stringn(
            x0 + cols.chart + 1,
            y,
            format!("max {:.1} ms late", max as f64 / 1000.0),
            cols.status as usize,
            t.dim(),
        );
        y += 1;
    }

    // Legend.
    if y < y_end {
        let narrow = area.width < 110;
        let mut spans = legend(&t, narrow, lanes::LEGEND.len());
        spans.push(Span::styled("◆ mark ▼ cursor", t.dim()));
        // Under the chart when it fits, else from the left edge: every entry stays readable.
        let width: usize =
            spans.iter().map(|s| s.content.chars().count()).sum();
        let indent =
            if cols.name as usize + 1 + width <= area.width as usize {
                cols.name as usize + 1
            } else {
                1
            };
        spans.insert(0, Span::raw(" ".repeat(indent)));
        buf.set_line(area.x, y, &Line::from(spans), area.width);
        y += 1;
    }
    // The selected lane in words.
    if y < y_end {
        let text = detail(tl, &r.full, lv.lanes.get(lv.lane), r.clip_ns());
        buf.set_stringn(area.x, y, text, area.width as usize, Style::new());
        y += 1;
    }
    // The last event shown.
    if y < y_end {
        let text = format!(
            "{:>1$} at {2:.3}u: {3}",
            "event",
            cols.name as usize,
            r.event_ns() as f64 / unit_ns,
            r.describe_cursor()
        );
        buf.set_stringn(area.x, y, text, area.width as usize, t.dim());
        y += 1;
    }
    if let Some((first, n)) = warning
        && y < y_end
    {
        let more = if n > 1 {
            format!(" (+{} more)", n - 1)
        } else {
            String::new()
        };
        let line = Line::from(vec![
            Span::styled(format!("⚠ {first}"), t.bad()),
            Span::styled(format!("{more} · w: findings"), t.dim()),
        ]);
        // The sentence is cut to the width; its end (and the key) stay readable in w.
        let room = area.width as usize;
        let text: String =
            line.spans.iter().map(|s| s.content.as_ref()).collect();
        if text.chars().count() <= room {
            buf.set_line(area.x, y, &line, area.width);
        } else {
            let tail = format!("…{more} · w: findings");
            let keep = room.saturating_sub(tail.chars().count() + 2);
            let head: String =
                format!("⚠ {first}").chars().take(keep).collect();
            buf.set_line(
                area.x,
                y,
                &Line::from(vec![
                    Span::styled(head, t.bad()),
                    Span::styled(tail, t.dim()),
                ]),
                area.width,
            );
        }
    }
}

/// Marks that fall in one column, merged: (column, their texts in order).
fn mark_groups<'a>(
    marks: &[(usize, &'a str)],
) -> Vec<(usize, Vec<&'a str>)> {
    let mut groups: Vec<(usize, Vec<&str>)> = Vec::new();
    for &(c, text) in marks {
        match groups.last_mut() {
            Some((gc, texts)) if *gc == c => texts.push(text),
            _ => groups.push((c, vec![text])),
        }
    }
    groups
}

/// A mark group's label in `room` columns, cut only between words: "pong 1", or for a group
/// "3: ping 1, pong 1, …" (the event line reads each mark whole when stepping onto it).
fn mark_label(texts: &[&str], room: usize) -> Option<String> {
    let full = match texts {
        [one] => one.to_string(),
        many => format!("{}: {}", many.len(), many.join(", ")),
    };
    if full.chars().count() <= room {
        return Some(full);
    }
    // Whole words up to the room, with an ellipsis; nothing rather than half a word.
    let mut out = String::new();
    for word in full.split(' ') {
        let wanted = out.chars().count()
            + usize::from(!out.is_empty())
            + word.chars().count();
        if wanted + 1 > room {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.is_empty() {
        // Too narrow for a word: a group still says how many marks it holds.
        let n = texts.len();
        return (n > 1 && room >= 2).then(|| format!("×{n}"));
    }
    out.push('…');
    Some(out)
}

/// A sentence about the selected lane at the cursor.
/// `full` is the whole run: what ended an idle spell at the cursor is known there, even while
/// the view is cut at the cursor.
fn detail(
    tl: &Timeline,
    full: &Timeline,
    lane: Option<&Lane>,
    at: u64,
) -> String {
    let Some(lane) = lane else {
        return String::new();
    };
    match &lane.kind {
        LaneKind::Task(i) => {
            let Some(task) = tl.tasks.get(*i as usize) else {
                return String::new();
            };
            let (status, _) = task_status(tl, *i, at);
            let status = status.chars().skip(2).collect::<String>();
            let state = match task.ended {
                Some(_) => status,
                None => match task.intervals.last() {
                    Some(iv) if iv.state == TaskState::Idle => {
                        let since = tl.units(iv.start.rt_ns);
                        let joined =
                            full.tasks.get(*i as usize).and_then(|ft| {
                                let k = ft
                                    .intervals
                                    .partition_point(|v| v.end.rt_ns <= at);
                                ft.intervals
                                    .get(k)
                                    .filter(|v| v.start.rt_ns <= at)
                                    .and_then(|v| full.joined(ft, v))
                            });
                        if let Some(by) = joined {
                            format!(
                                "idle since {since:.2}u, waiting for {} to finish (its JoinHandle)",
                                full.tasks[by as usize].label()
                            )
                        } else if status == "idle" {
                            format!(
                                "idle since {since:.2}u (on nothing tokio can name: a JoinHandle, a future)"
                            )
                        } else {
                            format!(
                                "idle since {since:.2}u, waiting on {status}"
                            )
                        }
                    }
                    Some(iv) => format!(
                        "{status} since {:.2}u",
                        tl.units(iv.start.rt_ns)
                    ),
                    None => status,
                },
            };
            format!(
                "▸ {}: {state} · {} · {} · t inspects",
                task.label(),
                super::count(task.polls.len(), "poll"),
                super::count(task.wakes.len(), "wake")
            )
        }
        LaneKind::Group(m) => format!(
            "▸ {}: {} tasks folded by name · f unfolds",
            lane.name,
            m.len()
        ),
        LaneKind::Thread(_) => format!(
            "▸ {}: a thread of the runtime; █ where it polled tasks most of the time, ╷ briefly",
            lane.name
        ),
        LaneKind::Waits { task, .. } => {
            let all = crate::view::waits::waits_of(full, *task);
            format!(
                "▸ {}: waits inside `{}`: {} in all, at most {} at once",
                lane.name.trim_start_matches("↳ "),
                full.tasks
                    .get(*task as usize)
                    .map_or("?".into(), |t| t.label()),
                all.len(),
                crate::view::waits::peak(&all)
            )
        }
    }
}

/// Two runs stacked on one time axis, with their totals.
fn compare(f: &mut Frame, area: Rect, app: &mut App) {
    let t = app.config.theme;
    let lv = &mut app.lv;
    let (Some(a), Some(b)) = (lv.current, lv.partner()) else {
        return;
    };
    let fold = lv.folded();
    // A plays at its cursor; B, the run it is compared with, is shown whole (left paused
    // mid-replay, it would otherwise look shorter than it was).
    let lanes_a = lanes::build(lv.recordings[a].timeline(), fold);
    let lanes_b = lanes::build(&lv.recordings[b].full, fold);
    let clip_of = |r: &Recording, whole: bool| {
        if whole { r.end_ns() } else { r.clip_ns() }
    };
    let names = lanes_a
        .iter()
        .chain(&lanes_b)
        .map(|l| l.name.chars().count())
        .max()
        .unwrap_or(6);
    let cols = columns(area.width, names, app.instructor);
    let span =
        axis_span(&lv.recordings[a]).max(axis_span(&lv.recordings[b]));
    let unit_ns = lv.recordings[a].full.unit_ns().max(1.0);
    let buf = f.buffer_mut();
    let mut y = area.y;
    let y_end = area.y + area.height;
    buf.set_line(
        area.x,
        y,
        &Line::from(vec![
            Span::styled(
                " compare ",
                t.title().add_modifier(Modifier::REVERSED),
            ),
            Span::styled(
                " two runs on one time axis · c or Esc leaves",
                t.dim(),
            ),
        ]),
        area.width,
    );
    y += 1;
    let x0 = area.x + cols.name + 1;
    let wa =
        lv.window_of(span, cols.chart as usize, lv.recordings[a].clip_ns());
    axis(buf, x0, y, &wa, unit_ns, &t, None, None);
    y += 2;
    let room = y_end.saturating_sub(y + 1);
    let half_a = (room / 2).max(1);
    let mut summary = Vec::new();
    let window_of = |r: &Recording, whole: bool| {
        let clip = clip_of(r, whole);
        let mut w = lv.window_of(span, cols.chart as usize, clip);
        w.clip = clip;
        w
    };
    let wins = [
        window_of(&lv.recordings[a], false),
        window_of(&lv.recordings[b], true),
    ];
    for (which, idx, lanes, cache, rows, w) in [
        ("A", a, &lanes_a, &mut lv.cache, half_a, wins[0]),
        (
            "B",
            b,
            &lanes_b,
            &mut lv.cache_b,
            room.saturating_sub(half_a),
            wins[1],
        ),
    ] {
        if rows == 0 || y >= y_end {
            break;
        }
        let r = &lv.recordings[idx];
        let whole = which == "B";
        let tl = if whole { &r.full } else { r.timeline() };
        // The run's total, wherever its cursor is.
        let total = r.full.units(r.full.finish_stamp().rt_ns);
        let knobs = r.full.header.knobs_line();
        let line =
            format!(" {which} {} · total {total:.2}u · {}", r.label, knobs);
        buf.set_stringn(area.x, y, &line, area.width as usize, t.key());
        summary.push(format!("{which} {total:.2}u"));
        let end = (y + rows).min(y_end);
        lane_rows(
            buf,
            area,
            y + 1,
            end,
            tl,
            r.generation,
            clip_of(r, whole),
            lanes,
            cache,
            fold,
            &w,
            cols,
            None,
            0,
            &t,
            &[],
            1,
        );
        y = end;
    }
    if y < y_end {
        let mut spans = vec![Span::styled(
            format!(" totals: {}", summary.join(" vs ")),
            t.title(),
        )];
        spans.push(Span::raw("   "));
        spans.extend(legend(&t, area.width < 110, 6));
        buf.set_line(area.x, y_end - 1, &Line::from(spans), area.width);
    }
}

#[cfg(test)]
mod mark_tests {
    use super::{mark_groups, mark_label};

    #[test]
    fn same_column_marks_merge_and_labels_cut_between_words() {
        let groups = mark_groups(&[
            (3, "ping 1"),
            (3, "pong 1"),
            (9, "fetching from cache"),
        ]);
        assert_eq!(
            groups,
            vec![
                (3, vec!["ping 1", "pong 1"]),
                (9, vec!["fetching from cache"])
            ]
        );
        assert_eq!(
            mark_label(&["ping 1", "pong 1"], 40).unwrap(),
            "2: ping 1, pong 1"
        );
        assert_eq!(
            mark_label(&["fetching from cache"], 12).unwrap(),
            "fetching…"
        );
        assert_eq!(
            mark_label(&["fetching from cache"], 5),
            None,
            "never half a word"
        );
        assert_eq!(mark_label(&["a long one", "b"], 3).unwrap(), "2:…");
        assert_eq!(mark_label(&["a long one", "b"], 2).unwrap(), "×2");
    }
}
