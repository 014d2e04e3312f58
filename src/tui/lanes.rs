//! Lanes: which rows the timeline shows (tasks, folded groups, threads), and a cache of each
//! row's cells for a window of the runtime clock.
//!
//! The cells themselves come from [`crate::view::cells`] (a binary search per column plus the
//! intervals inside the window); rows are cached until the window, the fold or the recording
//! changes, so a frame that only moves the selection costs nothing but drawing.

use crate::timeline::Timeline;
use crate::trace::TaskIdx;
use crate::view::cells::{group_cells, resample, task_cells, thread_cells};
use crate::view::names::{self, group_key};
use crate::view::waits::{self, wait_cells};
use std::collections::HashMap;

pub use crate::view::{Cell, LEGEND, Window};

/// What a row of the timeline is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LaneKind {
    Task(TaskIdx),
    /// Tasks folded together by name, in spawn order.
    Group(Vec<TaskIdx>),
    /// A thread that ran polls: a worker, or a blocking-pool thread.
    Thread(usize),
    /// Row `row` of a task's labelled waits, under the task ([`crate::view::waits`]).
    Waits {
        task: TaskIdx,
        row: usize,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lane {
    pub kind: LaneKind,
    pub name: String,
}

/// Folding kicks in by itself above this many task lanes: lesson 07's 100 `inc` tasks stay
/// unfolded, so their staircase shows; thousands fold.
pub const AUTO_FOLD: usize = 100;

/// The rows to draw: the root task first, then tasks in spawn order (folded by name when
/// `fold`), then one row per thread when more than one thread ran polls.
pub fn build(tl: &Timeline, fold: bool) -> Vec<Lane> {
    let tasks = names::task_lanes(tl);
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
    let mut lanes = with_wait_rows(tl, lanes);
    for (i, name) in names::thread_lanes(tl) {
        lanes.push(Lane {
            kind: LaneKind::Thread(i),
            name,
        });
    }
    lanes
}

/// `lanes` with each task's labelled waits as rows right under it.
fn with_wait_rows(tl: &Timeline, lanes: Vec<Lane>) -> Vec<Lane> {
    let mut out = Vec::with_capacity(lanes.len());
    for lane in lanes {
        let task = match lane.kind {
            LaneKind::Task(t) => Some(t),
            _ => None,
        };
        out.push(lane);
        if let Some(task) = task {
            for (row, r) in
                waits::wait_rows(tl, task).into_iter().enumerate()
            {
                out.push(Lane {
                    kind: LaneKind::Waits { task, row },
                    name: r.name,
                });
            }
        }
    }
    out
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
                Some(LaneKind::Waits { task, row }) => {
                    waits::wait_rows(tl, *task).get(*row).map_or_else(
                        || vec![Cell::Empty; w.cols],
                        |r| wait_cells(r, w),
                    )
                }
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
