//! Concurrency inside one task: the labelled waits a task made (`probe::wait_on`, which the
//! exercise kits use for every fetch, query and send) drawn as sub-lanes under it. A
//! `join_all` of ten fetches runs in one task, so at task level it is one lane; its ten waits,
//! packed into rows so that no two in a row overlap, show the ten fetches side by side.

use super::cells::{Cell, Window};
use super::names::group_key;
use crate::timeline::Timeline;
use crate::trace::TaskIdx;

/// Rows a task gets at most; waits that do not fit share the last row.
pub const MAX_ROWS: usize = 12;

/// One labelled wait: its label and its span on the runtime clock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wait {
    pub label: String,
    pub start: u64,
    pub end: u64,
}

/// One sub-lane: waits that never overlap one another (the last row may hold the overflow).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaitRow {
    pub name: String,
    pub waits: Vec<Wait>,
}

/// The labelled waits task `task` made, in the order they started.
pub fn waits_of(tl: &Timeline, task: TaskIdx) -> Vec<Wait> {
    let mut waits: Vec<Wait> = tl
        .resources
        .iter()
        .filter(|r| {
            r.created_by == Some(task)
                && r.info.kind == "wait"
                && !r.info.probe
        })
        .map(|r| Wait {
            label: r.info.label.clone().unwrap_or_else(|| "a wait".into()),
            start: r.created.rt_ns,
            end: r.closed.unwrap_or(tl.end).rt_ns,
        })
        .collect();
    waits.sort_by_key(|w| (w.start, w.end));
    waits
}

/// The task's waits packed first-fit into rows (as many rows as were ever in flight at once,
/// up to [`MAX_ROWS`]); none when the task made no labelled wait.
pub fn wait_rows(tl: &Timeline, task: TaskIdx) -> Vec<WaitRow> {
    let mut rows: Vec<Vec<Wait>> = Vec::new();
    for w in waits_of(tl, task) {
        // A row is free once its last wait has ended: a wait ending as the next starts shares it.
        let free = rows
            .iter()
            .position(|r| r.last().is_some_and(|l| l.end <= w.start));
        match free {
            Some(i) => rows[i].push(w),
            None if rows.len() < MAX_ROWS => rows.push(vec![w]),
            None => rows.last_mut().expect("MAX_ROWS > 0").push(w),
        }
    }
    rows.into_iter()
        .map(|waits| {
            let key = group_key(&waits[0].label);
            let same = waits.iter().all(|w| group_key(&w.label) == key);
            let what = if !same {
                "waits".to_string()
            } else if waits.len() == 1 {
                waits[0].label.clone()
            } else {
                key.to_string()
            };
            let name = if waits.len() > 1 {
                format!("↳ {what} ×{}", waits.len())
            } else {
                format!("↳ {what}")
            };
            WaitRow { name, waits }
        })
        .collect()
}

/// A wait row's cells in window `w`: idle (waiting) where one of its waits is in flight, up to
/// the window's clip; empty elsewhere.
pub fn wait_cells(row: &WaitRow, w: &Window) -> Vec<Cell> {
    let mut cells = vec![Cell::Empty; w.cols];
    for wait in &row.waits {
        if wait.start > w.clip {
            continue;
        }
        let end = wait.end.min(w.clip);
        for (c, cell) in cells.iter_mut().enumerate() {
            let (a, b) = w.bounds(c);
            if wait.start < b
                && (end > a || wait.start == end && wait.start >= a)
            {
                *cell = Cell::Idle;
            }
        }
    }
    cells
}

/// The most of `waits` in flight at one moment.
pub fn peak(waits: &[Wait]) -> usize {
    let mut edges: Vec<(u64, i32)> = waits
        .iter()
        .flat_map(|w| [(w.start, 1), (w.end, -1)])
        .collect();
    // At one instant, ends before starts: back-to-back waits are not in flight together.
    edges.sort();
    let (mut now, mut most) = (0i32, 0i32);
    for (_, d) in edges {
        now += d;
        most = most.max(now);
    }
    most.max(0) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(spans: &[(u64, u64)]) -> WaitRow {
        WaitRow {
            name: "↳ x".into(),
            waits: spans
                .iter()
                .map(|&(start, end)| Wait {
                    label: "x".into(),
                    start,
                    end,
                })
                .collect(),
        }
    }

    #[test]
    fn cells_cover_the_waits_and_stop_at_the_clip() {
        let w = Window {
            start: 0,
            span: 100,
            cols: 10,
            clip: 100,
        };
        let glyphs = |cells: Vec<Cell>| {
            cells.iter().map(|c| c.glyph()).collect::<String>()
        };
        assert_eq!(
            glyphs(wait_cells(&row(&[(0, 30), (60, 70)]), &w)),
            "░░░   ░   "
        );
        let clipped = Window { clip: 20, ..w };
        assert_eq!(
            glyphs(wait_cells(&row(&[(0, 30), (60, 70)]), &clipped)),
            "░░        "
        );
    }
}
