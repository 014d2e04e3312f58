//! Cells: a lane cut into equal slices of the runtime clock, one state per slice.
//!
//! # The cell rule
//! For a task alive in a cell `[a, b)`:
//! 1. `█` running (`▓` for blocking-pool work) when **one thread** spent more than half of the
//!    cell polling the task. A thread cannot give more than half of a cell to two tasks, so a
//!    column never shows more running lanes than threads that polled in it.
//! 2. `╷` (a brief poll) when the task was polled in the cell, but not for that long: a poll
//!    that took no runtime clock at all (every poll on a paused clock) still leaves a mark.
//! 3. Otherwise the state that held longest in the cell: `▒` scheduled or `░` idle. A tie goes
//!    to scheduled (the task was ready, and that is the news); a scheduled spell that took no
//!    clock time ties with an idle spell that took none.
//!
//! Then the ends: `✕` / `!` in the cell where the task was cancelled / panicked, `✓` in the
//! cell after the one where it completed. Blank where it was not alive.
//!
//! The window's very end belongs to its last cell (a run's last poll often happens at that
//! instant), and a poll still under way where a replay stops counts as a poll.
//!
//! A thread's cell follows rules 1 and 2 with the thread's own polls; blank otherwise. A folded
//! group's cell is its strongest member's, with `█` only where a poll covered the whole cell
//! (see [`group_cells`] and [`resample`]).
//!
//! Computing a lane costs a binary search per column plus the polls and intervals inside the
//! window, never a walk over the whole trace.

use crate::timeline::{End, PollSpan, TaskLine, TaskState, Timeline};
use crate::trace::{TaskIdx, TaskKind, ThreadIdx};

/// What one cell of a lane shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Cell {
    /// Not alive (or not yet recorded).
    Empty,
    Idle,
    Scheduled,
    /// Polled in the cell, but not for more than half of it.
    Polled,
    Running,
    Blocking,
    /// The cell after the task completed.
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
            Cell::Polled => '╷',
            Cell::Running => '█',
            Cell::Blocking => '▓',
            Cell::Done => '✓',
            Cell::Cancelled => '✕',
            Cell::Panicked => '!',
        }
    }

    /// The cell a glyph stands for (`None` for a character no cell draws).
    pub fn from_glyph(c: char) -> Option<Cell> {
        ALL.into_iter().find(|cell| cell.glyph() == c)
    }

    /// Which cell wins when a folded group merges its members.
    fn rank(self) -> u8 {
        match self {
            Cell::Empty => 0,
            Cell::Done => 1,
            Cell::Idle => 2,
            Cell::Scheduled => 3,
            Cell::Polled => 4,
            Cell::Cancelled => 5,
            Cell::Running => 6,
            Cell::Blocking => 7,
            Cell::Panicked => 8,
        }
    }

    /// Running or blocking: a thread was busy with the task for most of the cell.
    pub fn is_busy(self) -> bool {
        matches!(self, Cell::Running | Cell::Blocking)
    }
}

const ALL: [Cell; 9] = [
    Cell::Empty,
    Cell::Idle,
    Cell::Scheduled,
    Cell::Polled,
    Cell::Running,
    Cell::Blocking,
    Cell::Done,
    Cell::Cancelled,
    Cell::Panicked,
];

/// The legend, in the order the text export and the TUI show it.
pub const LEGEND: [(Cell, &str); 8] = [
    (Cell::Running, "running"),
    (Cell::Polled, "brief poll"),
    (Cell::Scheduled, "scheduled"),
    (Cell::Idle, "idle"),
    (Cell::Blocking, "blocking"),
    (Cell::Done, "done"),
    (Cell::Cancelled, "cancelled"),
    (Cell::Panicked, "panicked"),
];

/// A slice of the runtime clock drawn across `cols` columns; nothing after `clip` (a replay's
/// cursor) is drawn.
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

    /// The column holding `rt`, if it is inside the window (its very end belongs to the last).
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

    /// Column `c` covers `[edges[c], edges[c + 1])`.
    pub fn edges(&self) -> Vec<u64> {
        let mut e: Vec<u64> =
            (0..self.cols).map(|c| self.bounds(c).0).collect();
        e.push(self.bounds(self.cols.saturating_sub(1)).1);
        e
    }
}

/// Does the poll touch `[a, b)`: overlap it, or (taking no clock time) happen inside it?
/// In the last column `last` is true and the window's very end belongs to it too (a run's
/// final poll often happens at the instant the chart ends).
fn touches(p: &PollSpan, a: u64, b: u64, last: bool) -> bool {
    let (s, e) = (p.start.rt_ns, p.end.rt_ns);
    let before_end = s < b || (last && s == b);
    before_end && (e > a || (s == e && s >= a))
}

/// How polls cover one cell: whether any touched it, and the most time one thread spent.
#[derive(Default)]
struct Coverage {
    touched: bool,
    /// (thread, ns polled inside the cell), a few entries at most.
    per_thread: Vec<(ThreadIdx, u64)>,
}

impl Coverage {
    fn add(&mut self, p: &PollSpan, a: u64, b: u64, last: bool) {
        if !touches(p, a, b, last) {
            return;
        }
        self.touched = true;
        let ns = p.end.rt_ns.min(b).saturating_sub(p.start.rt_ns.max(a));
        match self.per_thread.iter_mut().find(|(t, _)| *t == p.thread) {
            Some((_, sum)) => *sum += ns,
            None => self.per_thread.push((p.thread, ns)),
        }
    }

    /// Rule 1, then rule 2; `None` when no poll touched the cell.
    fn cell(&self, cell_ns: u64, work: Cell) -> Option<Cell> {
        let most = self.per_thread.iter().map(|(_, ns)| *ns).max();
        match most {
            Some(ns) if ns * 2 > cell_ns => Some(work),
            _ if self.touched => Some(Cell::Polled),
            _ => None,
        }
    }

    fn clear(&mut self) {
        self.touched = false;
        self.per_thread.clear();
    }
}

/// Rule 3: the longer of the scheduled and idle time, a tie going to scheduled.
pub fn longest_waiting_state(scheduled_ns: u64, idle_ns: u64) -> Cell {
    if scheduled_ns >= idle_ns {
        Cell::Scheduled
    } else {
        Cell::Idle
    }
}

/// One task's cells for the window.
pub fn task_cells(t: &TaskLine, w: &Window, out: &mut Vec<Cell>) {
    task_cells_with(t, w, &w.edges(), out)
}

/// [`task_cells`] with the column edges computed once (for many lanes of one window).
pub fn task_cells_with(
    t: &TaskLine,
    w: &Window,
    edges: &[u64],
    out: &mut Vec<Cell>,
) {
    out.clear();
    out.resize(w.cols, Cell::Empty);
    if w.cols == 0 {
        return;
    }
    let work = if t.info.kind == TaskKind::Blocking {
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
    let mut coverage = Coverage::default();
    for c in first..last {
        let (a, b) = (edges[c], edges[c + 1].max(edges[c] + 1));
        if a > w.clip {
            break;
        }
        if t.spawned.rt_ns >= b || end_rt.is_some_and(|e| e < a) {
            continue;
        }
        coverage.clear();
        let last = c + 1 == w.cols;
        let i = t.polls.partition_point(|p| p.end.rt_ns < a);
        for p in t.polls[i..].iter().take_while(|p| p.start.rt_ns <= b) {
            coverage.add(p, a, b, last);
        }
        if let Some(cell) = coverage.cell(b - a, work) {
            out[c] = cell;
            continue;
        }
        let mut j = t.intervals.partition_point(|iv| iv.end.rt_ns <= a);
        let (mut sched, mut idle, mut open_poll) = (0u64, 0u64, None);
        let mut any = false;
        while let Some(iv) = t.intervals.get(j) {
            if iv.start.rt_ns >= b {
                break;
            }
            any = true;
            let ov =
                iv.end.rt_ns.min(b).saturating_sub(iv.start.rt_ns.max(a));
            match iv.state {
                TaskState::Scheduled => sched += ov,
                TaskState::Idle => idle += ov,
                // A running spell with no poll recorded: the poll still under way where a
                // replay stops (one thread, so rules 1 and 2 hold as for a poll).
                TaskState::Running | TaskState::Blocking => {
                    open_poll = Some(ov)
                }
            }
            j += 1;
        }
        out[c] = match open_poll {
            Some(ns) if ns * 2 > b - a => work,
            Some(_) => Cell::Polled,
            None if any => longest_waiting_state(sched, idle),
            None => Cell::Empty,
        };
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

/// A thread's cells: `█` (`▓` on the blocking pool) where it polled for more than half the
/// cell, `╷` where it polled less, blank where it polled nothing.
pub fn thread_cells(tl: &Timeline, thread: usize, w: &Window) -> Vec<Cell> {
    let mut out = vec![Cell::Empty; w.cols];
    let Some(th) = tl.threads.get(thread) else {
        return out;
    };
    let work = if th.blocking_pool {
        Cell::Blocking
    } else {
        Cell::Running
    };
    let mut coverage = Coverage::default();
    let cols = out.len();
    for (c, cell) in out.iter_mut().enumerate() {
        let (a, b) = w.bounds(c);
        if a > w.clip {
            break;
        }
        coverage.clear();
        let last = c + 1 == cols;
        let i = th.polls.partition_point(|(_, p)| p.end.rt_ns < a);
        for (_, p) in
            th.polls[i..].iter().take_while(|(_, p)| p.start.rt_ns <= b)
        {
            coverage.add(p, a, b, last);
        }
        if let Some(found) = coverage.cell(b - a, work) {
            *cell = found;
        }
    }
    out
}

/// A folded group's cells: each member's intervals and polls swept once onto the columns,
/// the stronger state winning (cost: the members' events inside the window, not columns ×
/// members). A poll is `█` only in the columns it covers whole; elsewhere `╷`.
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
    let paint = |acc: &mut [Cell], from: usize, to: usize, cell: Cell| {
        for c in &mut acc[from..=to] {
            if cell.rank() > c.rank() {
                *c = cell;
            }
        }
    };
    let visible = |a: u64, b: u64| b >= w.start && a <= end;
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
                TaskState::Scheduled => Cell::Scheduled,
                TaskState::Idle => Cell::Idle,
                TaskState::Running | TaskState::Blocking => continue,
            };
            // The last instant of an interval belongs to the next one.
            let b = if iv.end.rt_ns > iv.start.rt_ns {
                iv.end.rt_ns - 1
            } else {
                iv.end.rt_ns
            };
            if visible(iv.start.rt_ns, b) {
                paint(&mut acc, col(iv.start.rt_ns), col(b.min(end)), cell);
            }
        }
        let first = t.polls.partition_point(|p| p.end.rt_ns < w.start);
        for p in &t.polls[first..] {
            if p.start.rt_ns > end {
                break;
            }
            if !visible(p.start.rt_ns, p.end.rt_ns) {
                continue;
            }
            let (from, to) =
                (col(p.start.rt_ns), col(p.end.rt_ns.min(end)));
            paint(&mut acc, from, to, Cell::Polled);
            // Columns strictly inside the poll were busy whole.
            if to > from + 1 {
                paint(&mut acc, from + 1, to - 1, work);
            }
        }
        if let Some(e) = t.ended.map(|e| e.rt_ns).filter(|&e| e <= end)
            && e >= w.start
        {
            match t.end {
                End::Cancelled => {
                    paint(&mut acc, col(e), col(e), Cell::Cancelled)
                }
                End::Panicked => {
                    paint(&mut acc, col(e), col(e), Cell::Panicked)
                }
                _ => {}
            }
        }
    }
    acc
}

/// A window's columns from finer cells of the same lane over `whole` (a folded group's
/// whole-run buckets): `█`/`▓` when more than half the buckets under a column are, `╷` when
/// any bucket was polled, otherwise the strongest bucket.
pub fn resample(buckets: &[Cell], whole: &Window, w: &Window) -> Vec<Cell> {
    let per = whole.span as f64 / buckets.len().max(1) as f64;
    (0..w.cols)
        .map(|c| {
            let (a, b) = w.bounds(c);
            if a > w.clip || buckets.is_empty() {
                return Cell::Empty;
            }
            let i = ((a as f64 / per) as usize).min(buckets.len() - 1);
            let j = ((b as f64 / per).ceil() as usize)
                .clamp(i + 1, buckets.len());
            let under = &buckets[i..j];
            let count =
                |cell: Cell| under.iter().filter(|&&b| b == cell).count();
            for busy in [Cell::Running, Cell::Blocking] {
                if count(busy) * 2 > under.len() {
                    return busy;
                }
            }
            let strongest = under
                .iter()
                .copied()
                .max_by_key(|c| c.rank())
                .unwrap_or(Cell::Empty);
            if strongest.is_busy() {
                Cell::Polled
            } else {
                strongest
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::{Interval, Stamp};
    use crate::trace::{TaskInfo, TaskKind};

    fn at(rt_ns: u64) -> Stamp {
        Stamp {
            rt_ns,
            wall_ns: rt_ns,
        }
    }

    /// A task alive over [0, 100) made of `spells` (start, end, state), polled on thread 0
    /// during its running spells (and at the instants in `instant_polls`).
    fn task(
        spells: &[(u64, u64, TaskState)],
        instant_polls: &[u64],
    ) -> TaskLine {
        let mut polls: Vec<PollSpan> = spells
            .iter()
            .filter(|s| s.2 == TaskState::Running)
            .map(|s| PollSpan {
                start: at(s.0),
                end: at(s.1),
                thread: 0,
            })
            .chain(instant_polls.iter().map(|&p| PollSpan {
                start: at(p),
                end: at(p),
                thread: 0,
            }))
            .collect();
        polls.sort_by_key(|p| (p.end, p.start));
        TaskLine {
            info: TaskInfo {
                idx: 0,
                tokio_id: 1,
                name: "t".into(),
                kind: TaskKind::Task,
                spawned_at: None,
                parent: None,
                probe: false,
            },
            spawned: at(0),
            ended: None,
            end: End::Running,
            intervals: spells
                .iter()
                .map(|&(a, b, state)| Interval {
                    start: at(a),
                    end: at(b),
                    state,
                    waiting_on: None,
                    timer_pending: false,
                })
                .collect(),
            polls,
            wakes: Vec::new(),
            marks: Vec::new(),
            histogram: Default::default(),
        }
    }

    /// The task's cells over `[0, span)` in `cols` columns.
    fn cells(t: &TaskLine, span: u64, cols: usize) -> Vec<Cell> {
        let w = Window {
            start: 0,
            span,
            cols,
            clip: u64::MAX,
        };
        let mut out = Vec::new();
        task_cells(t, &w, &mut out);
        out
    }

    /// One column covering [0, 100).
    fn one_cell(t: &TaskLine) -> Cell {
        cells(t, 100, 1)[0]
    }

    use TaskState::{Idle, Running, Scheduled};

    #[test]
    fn running_most_of_the_cell_is_a_full_block() {
        let t =
            task(&[(0, 20, Idle), (20, 80, Running), (80, 100, Idle)], &[]);
        assert_eq!(one_cell(&t), Cell::Running);
    }

    #[test]
    fn a_brief_poll_in_an_idle_cell_is_a_thin_mark() {
        let t =
            task(&[(0, 40, Idle), (40, 45, Running), (45, 100, Idle)], &[]);
        assert_eq!(one_cell(&t), Cell::Polled);
        // A poll that took no clock time at all (a paused clock) still leaves its mark.
        let t = task(&[(0, 100, Idle)], &[30]);
        assert_eq!(one_cell(&t), Cell::Polled);
        // Running exactly half the cell is not most of it.
        let t = task(&[(0, 50, Running), (50, 100, Idle)], &[]);
        assert_eq!(one_cell(&t), Cell::Polled);
    }

    #[test]
    fn the_longest_waiting_state_wins() {
        let t = task(&[(0, 60, Idle), (60, 100, Scheduled)], &[]);
        assert_eq!(one_cell(&t), Cell::Idle);
        let t = task(&[(0, 30, Idle), (30, 100, Scheduled)], &[]);
        assert_eq!(one_cell(&t), Cell::Scheduled);
    }

    #[test]
    fn a_tie_goes_to_scheduled() {
        let t = task(&[(0, 50, Idle), (50, 100, Scheduled)], &[]);
        assert_eq!(one_cell(&t), Cell::Scheduled);
        assert_eq!(longest_waiting_state(0, 0), Cell::Scheduled);
        assert_eq!(longest_waiting_state(0, 1), Cell::Idle);
    }

    #[test]
    fn running_split_across_two_threads_is_not_a_full_block() {
        // 30 + 30 of 100 on two threads: no thread was busy with it for most of the cell.
        let mut t = task(
            &[
                (0, 30, Running),
                (30, 40, Idle),
                (40, 70, Running),
                (70, 100, Idle),
            ],
            &[],
        );
        t.polls[1].thread = 1;
        assert_eq!(one_cell(&t), Cell::Polled);
        t.polls[1].thread = 0;
        assert_eq!(one_cell(&t), Cell::Running);
    }

    #[test]
    fn poll_ending_at_a_column_edge_does_not_mark_the_next_column() {
        let t = task(&[(0, 10, Running), (10, 20, Idle)], &[]);
        assert_eq!(cells(&t, 20, 2), [Cell::Running, Cell::Idle]);
    }

    #[test]
    fn a_poll_at_the_very_end_of_the_window_marks_the_last_column() {
        let t = task(&[(0, 20, Idle)], &[20]);
        assert_eq!(cells(&t, 20, 2), [Cell::Idle, Cell::Polled]);
    }

    #[test]
    fn a_poll_still_under_way_at_the_end_of_a_replay_is_drawn() {
        // The replay stops mid-poll: the running spell is there, the poll not yet.
        let mut t = task(&[(0, 10, Idle), (10, 100, Running)], &[]);
        t.polls.clear();
        assert_eq!(one_cell(&t), Cell::Running);
        let mut t = task(&[(0, 90, Idle), (90, 100, Running)], &[]);
        t.polls.clear();
        assert_eq!(one_cell(&t), Cell::Polled);
    }

    #[test]
    fn every_glyph_reads_back_as_its_cell() {
        for cell in ALL {
            assert_eq!(Cell::from_glyph(cell.glyph()), Some(cell));
        }
    }

    #[test]
    fn resampling_keeps_full_blocks_only_where_most_buckets_ran() {
        let whole = Window {
            start: 0,
            span: 8,
            cols: 8,
            clip: u64::MAX,
        };
        let w = Window { cols: 2, ..whole };
        let r = Cell::Running;
        let i = Cell::Idle;
        let buckets = [r, r, r, i, r, i, i, i];
        assert_eq!(
            resample(&buckets, &whole, &w),
            [Cell::Running, Cell::Polled]
        );
    }
}
