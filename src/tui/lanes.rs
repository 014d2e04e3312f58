//! Lanes: which rows the timeline shows (tasks, folded groups, worker threads), and each
//! row's cells for a window of the runtime clock.
//!
//! A cell covers an equal slice of the window. Computing a lane costs a binary search per
//! column plus the intervals inside the window, never a walk over the whole trace; rows are
//! cached until the window, the fold or the recording changes, so a frame that only moves the
//! selection costs nothing but drawing.

use crate::timeline::{End, TaskLine, TaskState, Timeline};
use crate::trace::{TaskIdx, TaskKind};
use std::collections::HashMap;

/// What one column of a lane shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Cell {
    /// Not alive (or not yet recorded).
    Empty,
    Idle,
    Scheduled,
    Running,
    Blocking,
    /// The slice after the task completed.
    Done,
    Cancelled,
    Panicked,
}

impl Cell {
    pub fn glyph(self) -> char {
        match self {
            Cell::Empty => ' ',
            Cell::Idle => '░',
            Cell::Scheduled => '▒',
            Cell::Running => '█',
            Cell::Blocking => '▓',
            Cell::Done => '✓',
            Cell::Cancelled => '✕',
            Cell::Panicked => '!',
        }
    }

    /// Which cell wins when a folded group merges its members.
    fn rank(self) -> u8 {
        match self {
            Cell::Empty => 0,
            Cell::Done => 1,
            Cell::Idle => 2,
            Cell::Scheduled => 3,
            Cell::Cancelled => 4,
            Cell::Running => 5,
            Cell::Blocking => 6,
            Cell::Panicked => 7,
        }
    }
}

/// The legend, in the order the timeline shows it.
pub const LEGEND: [(Cell, &str); 7] = [
    (Cell::Running, "running"),
    (Cell::Scheduled, "scheduled"),
    (Cell::Idle, "idle"),
    (Cell::Blocking, "blocking"),
    (Cell::Done, "done"),
    (Cell::Cancelled, "cancelled"),
    (Cell::Panicked, "panicked"),
];

/// A slice of the runtime clock drawn across `cols` columns; nothing after `clip` (the
/// playback cursor) is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Window {
    pub start: u64,
    pub span: u64,
    pub cols: usize,
    pub clip: u64,
}

impl Window {
    /// Column `c` covers `[bounds(c).0, bounds(c).1)`.
    pub fn bounds(&self, c: usize) -> (u64, u64) {
        let cols = self.cols.max(1) as u128;
        let span = self.span.max(1) as u128;
        let a = self.start as u128 + span * c as u128 / cols;
        let b = self.start as u128 + span * (c as u128 + 1) / cols;
        (a as u64, (b as u64).max(a as u64 + 1))
    }

    /// The column holding `rt`, if it is inside the window.
    pub fn col(&self, rt: u64) -> Option<usize> {
        if rt < self.start || self.cols == 0 {
            return None;
        }
        let off = (rt - self.start) as u128 * self.cols as u128
            / self.span.max(1) as u128;
        let c = off as usize;
        if c < self.cols {
            Some(c)
        } else if rt == self.start + self.span {
            Some(self.cols - 1)
        } else {
            None
        }
    }
}

/// What a row of the timeline is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LaneKind {
    Task(TaskIdx),
    /// Tasks folded together by name, in spawn order.
    Group(Vec<TaskIdx>),
    /// A thread that ran polls: a worker, or a blocking-pool thread.
    Thread(usize),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lane {
    pub kind: LaneKind,
    pub name: String,
}

/// Folding kicks in by itself above this many task lanes.
pub const AUTO_FOLD: usize = 40;

/// The name a task is folded under: its name without a trailing number ("fetch page 7" and
/// "fetch page 8" fold into "fetch page").
pub fn group_key(name: &str) -> &str {
    let trimmed = name.trim_end_matches(|c: char| {
        c.is_ascii_digit() || matches!(c, ' ' | '#' | '-' | '_' | '.')
    });
    if trimmed.is_empty() { name } else { trimmed }
}

/// The rows to draw: the root task first, then tasks in spawn order (folded by name when
/// `fold`), then one row per thread when more than one thread ran polls.
pub fn build(tl: &Timeline, fold: bool) -> Vec<Lane> {
    // Tasks not spawned yet (a replay before their spawn) get no lane.
    let mut tasks: Vec<&TaskLine> = tl
        .scenario_tasks()
        .filter(|t| !t.intervals.is_empty() || t.ended.is_some())
        .collect();
    tasks.sort_by_key(|t| {
        (t.info.kind != TaskKind::BlockOn, t.spawned, t.info.idx)
    });
    let mut lanes: Vec<Lane> = Vec::new();
    if fold {
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut groups: Vec<(String, Vec<TaskIdx>)> = Vec::new();
        for t in &tasks {
            let label = t.label();
            let key = group_key(&label).to_string();
            match index.get(&key) {
                Some(&i) => groups[i].1.push(t.info.idx),
                None => {
                    index.insert(key.clone(), groups.len());
                    groups.push((key, vec![t.info.idx]));
                }
            }
        }
        for (key, members) in groups {
            if members.len() == 1 {
                let t = &tl.tasks[members[0] as usize];
                lanes.push(Lane {
                    kind: LaneKind::Task(members[0]),
                    name: t.label(),
                });
            } else {
                lanes.push(Lane {
                    name: format!("{key} ×{}", members.len()),
                    kind: LaneKind::Group(members),
                });
            }
        }
    } else {
        for t in &tasks {
            lanes.push(Lane {
                kind: LaneKind::Task(t.info.idx),
                name: t.label(),
            });
        }
    }
    let busy: Vec<usize> = tl
        .threads
        .iter()
        .enumerate()
        .filter(|(_, t)| !t.polls.is_empty())
        .map(|(i, _)| i)
        .collect();
    if busy.len() > 1 {
        let (mut workers, mut pool) = (0, 0);
        for i in busy {
            let name = if tl.threads[i].blocking_pool {
                pool += 1;
                format!("blocking {pool}")
            } else {
                workers += 1;
                format!("worker {workers}")
            };
            lanes.push(Lane {
                kind: LaneKind::Thread(i),
                name,
            });
        }
    }
    lanes
}

/// Column `c` covers `[edges[c], edges[c + 1])`.
pub fn edges(w: &Window) -> Vec<u64> {
    let mut e: Vec<u64> = (0..w.cols).map(|c| w.bounds(c).0).collect();
    e.push(w.bounds(w.cols.saturating_sub(1)).1);
    e
}

/// One task's cells for the window.
pub fn task_cells(t: &TaskLine, w: &Window, out: &mut Vec<Cell>) {
    task_cells_with(t, w, &edges(w), out)
}

/// [`task_cells`] with the column edges computed once (a folded group reuses them).
pub fn task_cells_with(
    t: &TaskLine,
    w: &Window,
    edges: &[u64],
    out: &mut Vec<Cell>,
) {
    out.clear();
    out.resize(w.cols, Cell::Empty);
    let blocking = t.info.kind == TaskKind::Blocking;
    let work = if blocking {
        Cell::Blocking
    } else {
        Cell::Running
    };
    let end_rt = t.ended.map(|e| e.rt_ns);
    // Only the columns the task was alive in.
    let first = edges[..w.cols]
        .partition_point(|&e| e <= t.spawned.rt_ns)
        .saturating_sub(1);
    let last = end_rt.map_or(w.cols, |e| {
        edges[..w.cols].partition_point(|&x| x <= e).min(w.cols)
    });
    for c in first..last {
        let cell = &mut out[c];
        let (a, b) = (edges[c], edges[c + 1].max(edges[c] + 1));
        if a > w.clip {
            break;
        }
        if t.spawned.rt_ns >= b || end_rt.is_some_and(|e| e < a) {
            continue;
        }
        // A poll touching the slice, even one that took no runtime clock.
        let i = t.polls.partition_point(|p| p.end.rt_ns < a);
        if t.polls.get(i).is_some_and(|p| p.start.rt_ns < b) {
            *cell = work;
            continue;
        }
        let mut j = t.intervals.partition_point(|iv| iv.end.rt_ns <= a);
        let (mut sched, mut idle) = (0u64, 0u64);
        let mut any = false;
        while let Some(iv) = t.intervals.get(j) {
            if iv.start.rt_ns >= b {
                break;
            }
            any = true;
            let ov =
                iv.end.rt_ns.min(b).saturating_sub(iv.start.rt_ns.max(a));
            match iv.state {
                TaskState::Running | TaskState::Blocking => {
                    *cell = work;
                    break;
                }
                TaskState::Scheduled => sched += ov.max(1),
                TaskState::Idle => idle += ov,
            }
            j += 1;
        }
        if *cell == Cell::Empty && any {
            *cell = if sched >= idle {
                Cell::Scheduled
            } else {
                Cell::Idle
            };
        }
    }
    if let Some(e) = end_rt.filter(|&e| e <= w.clip)
        && let Some(c) = w.col(e)
    {
        match t.end {
            End::Cancelled => out[c] = Cell::Cancelled,
            End::Panicked => out[c] = Cell::Panicked,
            End::Completed => {
                if let Some(next) = out.get_mut(c + 1)
                    && *next == Cell::Empty
                    && w.bounds(c + 1).0 <= w.clip
                {
                    *next = Cell::Done;
                }
            }
            End::Ended | End::Running => {}
        }
    }
}

/// A thread's cells: where it ran polls.
pub fn thread_cells(tl: &Timeline, thread: usize, w: &Window) -> Vec<Cell> {
    let mut out = vec![Cell::Empty; w.cols];
    let Some(th) = tl.threads.get(thread) else {
        return out;
    };
    let glyph = if th.blocking_pool {
        Cell::Blocking
    } else {
        Cell::Running
    };
    for (c, cell) in out.iter_mut().enumerate() {
        let (a, b) = w.bounds(c);
        if a > w.clip {
            break;
        }
        let i = th.polls.partition_point(|(_, p)| p.end.rt_ns < a);
        // Polls of one thread do not overlap, but nested ones (a drop inside a poll) may end
        // out of order: look a few ahead.
        if th.polls[i..]
            .iter()
            .take(4)
            .any(|(_, p)| p.start.rt_ns < b && p.end.rt_ns >= a)
        {
            *cell = glyph;
        }
    }
    out
}

/// A folded group's cells: each member's intervals and polls swept once onto the columns,
/// the stronger state winning (cost: the members' events inside the window, not columns ×
/// members).
pub fn group_cells(
    tl: &Timeline,
    members: &[TaskIdx],
    w: &Window,
) -> Vec<Cell> {
    let mut acc = vec![Cell::Empty; w.cols];
    if w.cols == 0 {
        return acc;
    }
    let end = w.start.saturating_add(w.span).min(w.clip);
    let scale = w.cols as f64 / w.span.max(1) as f64;
    let last = w.cols - 1;
    let col = |t: u64| -> usize {
        ((t.saturating_sub(w.start) as f64 * scale) as usize).min(last)
    };
    let mut paint = |a: u64, b: u64, cell: Cell| {
        if b < w.start || a > end {
            return;
        }
        for c in &mut acc[col(a)..=col(b.min(end))] {
            if cell.rank() > c.rank() {
                *c = cell;
            }
        }
    };
    for m in members {
        let Some(t) = tl.tasks.get(*m as usize) else {
            continue;
        };
        let work = if t.info.kind == TaskKind::Blocking {
            Cell::Blocking
        } else {
            Cell::Running
        };
        let first =
            t.intervals.partition_point(|iv| iv.end.rt_ns < w.start);
        for iv in &t.intervals[first..] {
            if iv.start.rt_ns > end {
                break;
            }
            let cell = match iv.state {
                TaskState::Running | TaskState::Blocking => work,
                TaskState::Scheduled => Cell::Scheduled,
                TaskState::Idle => Cell::Idle,
            };
            // The last instant of an interval belongs to the next one.
            let b = if iv.end.rt_ns > iv.start.rt_ns {
                iv.end.rt_ns - 1
            } else {
                iv.end.rt_ns
            };
            paint(iv.start.rt_ns, b, cell);
        }
        let first = t.polls.partition_point(|p| p.end.rt_ns < w.start);
        for p in &t.polls[first..] {
            if p.start.rt_ns > end {
                break;
            }
            paint(p.start.rt_ns, p.end.rt_ns, work);
        }
        if let Some(e) = t.ended.map(|e| e.rt_ns).filter(|&e| e <= end)
            && e >= w.start
        {
            match t.end {
                End::Cancelled => paint(e, e, Cell::Cancelled),
                End::Panicked => paint(e, e, Cell::Panicked),
                _ => {}
            }
        }
    }
    acc
}

/// A window's columns from whole-run buckets: each column the strongest of its buckets.
fn resample(buckets: &[Cell], whole: &Window, w: &Window) -> Vec<Cell> {
    let per = whole.span as f64 / buckets.len() as f64;
    (0..w.cols)
        .map(|c| {
            let (a, b) = w.bounds(c);
            if a > w.clip {
                return Cell::Empty;
            }
            let i = ((a as f64 / per) as usize).min(buckets.len() - 1);
            let j = ((b as f64 / per).ceil() as usize)
                .clamp(i + 1, buckets.len());
            buckets[i..j]
                .iter()
                .copied()
                .max_by_key(|c| c.rank())
                .unwrap_or(Cell::Empty)
        })
        .collect()
}

/// Merges `cells` into `acc`, the stronger cell winning.
pub fn merge(acc: &mut [Cell], cells: &[Cell]) {
    for (a, c) in acc.iter_mut().zip(cells) {
        if c.rank() > a.rank() {
            *a = *c;
        }
    }
}

/// Buckets of a folded group's summary over the whole run, computed once per recording:
/// zooming and panning then cost a pass over these, not over the members' events.
const GROUP_BUCKETS: usize = 4096;

/// Rows already computed for one window of one recording.
#[derive(Default)]
pub struct Cache {
    key: Option<(u64, Window, bool)>,
    rows: HashMap<usize, Vec<Cell>>,
    /// Per group lane: (generation, whole-run window, buckets).
    groups: HashMap<usize, (u64, Window, Vec<Cell>)>,
}

impl Cache {
    /// The cells of lane `i`, computed once per (recording generation, window, fold).
    pub fn row(
        &mut self,
        generation: u64,
        fold: bool,
        w: &Window,
        tl: &Timeline,
        lanes: &[Lane],
        i: usize,
    ) -> &[Cell] {
        let key = (generation, *w, fold);
        if self.key != Some(key) {
            self.key = Some(key);
            self.rows.clear();
        }
        if !self.rows.contains_key(&i) {
            let cells = match lanes.get(i).map(|l| &l.kind) {
                Some(LaneKind::Task(t)) => {
                    let mut cells = Vec::new();
                    if let Some(t) = tl.tasks.get(*t as usize) {
                        task_cells(t, w, &mut cells);
                    }
                    cells
                }
                Some(LaneKind::Group(members)) => {
                    let whole = Window {
                        start: 0,
                        span: tl.end.rt_ns.max(w.start + w.span).max(1),
                        cols: GROUP_BUCKETS,
                        clip: w.clip,
                    };
                    let fresh =
                        self.groups.get(&i).is_none_or(|(g, win, _)| {
                            *g != generation || *win != whole
                        });
                    if fresh {
                        let cells = group_cells(tl, members, &whole);
                        self.groups.insert(i, (generation, whole, cells));
                    }
                    let (_, whole, buckets) = &self.groups[&i];
                    let bucket_ns =
                        whole.span as f64 / GROUP_BUCKETS as f64;
                    let col_ns = w.span as f64 / w.cols.max(1) as f64;
                    if col_ns >= bucket_ns {
                        resample(buckets, whole, w)
                    } else {
                        group_cells(tl, members, w)
                    }
                }
                Some(LaneKind::Thread(th)) => thread_cells(tl, *th, w),
                None => vec![Cell::Empty; w.cols],
            };
            self.rows.insert(i, cells);
        }
        &self.rows[&i]
    }
}

/// The heartbeat's worst lag per column, in µs (`None`: no tick in that slice).
pub fn heartbeat_cols(tl: &Timeline, w: &Window) -> Vec<Option<u32>> {
    let mut out = vec![None; w.cols];
    let start = tl.heartbeats.partition_point(|h| h.at.rt_ns < w.start);
    for h in &tl.heartbeats[start..] {
        if h.at.rt_ns > w.clip {
            break;
        }
        match w.col(h.at.rt_ns) {
            Some(c) => {
                out[c] = Some(out[c].unwrap_or(0).max(h.lag_us));
            }
            None => break,
        }
    }
    out
}
