//! Which lanes a run has, in which order, and what the threads are called.

use crate::timeline::{TaskLine, Timeline};
use crate::trace::TaskKind;

/// Tasks that get a lane: not probes, not yet-unspawned tasks of a replay; the root first,
/// then in spawn order.
pub fn task_lanes(tl: &Timeline) -> Vec<&TaskLine> {
    let mut tasks: Vec<&TaskLine> = tl
        .scenario_tasks()
        .filter(|t| !t.intervals.is_empty() || t.ended.is_some())
        .collect();
    tasks.sort_by_key(|t| {
        (t.info.kind != TaskKind::BlockOn, t.spawned, t.info.idx)
    });
    tasks
}

/// Every recorded thread's name, by thread index, from what the runtime really had:
/// `main thread` (the one that ran `block_on`), `worker 1..N` (a multi_thread runtime's
/// workers, N as configured), `blocking 1..M` (the blocking pool: spawn_blocking work, and on a
/// current_thread runtime every other thread).
pub fn thread_names(tl: &Timeline) -> Vec<String> {
    let multi = tl.header.flavor == "multi_thread";
    let (mut workers, mut pool) = (0, 0);
    tl.threads
        .iter()
        .map(|th| {
            let ran = |kind: TaskKind| {
                th.polls.iter().any(|(task, _)| {
                    tl.tasks
                        .get(*task as usize)
                        .is_some_and(|t| t.info.kind == kind)
                })
            };
            if ran(TaskKind::BlockOn) {
                "main thread".to_string()
            } else if th.blocking_pool
                || !multi
                // Threads beyond the configured workers that ran no task are the pool's.
                || (workers >= tl.header.workers && th.polls.is_empty())
            {
                pool += 1;
                format!("blocking {pool}")
            } else {
                workers += 1;
                format!("worker {workers}")
            }
        })
        .collect()
}

/// The threads that get a lane, (thread index, name): those that ran polls, when more than
/// one did (one thread alone says nothing a task lane does not). The main thread comes first,
/// then the workers, then the blocking pool, each by number: threads start in an order of the
/// OS's choosing, the lanes do not follow it.
pub fn thread_lanes(tl: &Timeline) -> Vec<(usize, String)> {
    let busy: Vec<usize> = tl
        .threads
        .iter()
        .enumerate()
        .filter(|(_, t)| !t.polls.is_empty())
        .map(|(i, _)| i)
        .collect();
    if busy.len() < 2 {
        return Vec::new();
    }
    let names = thread_names(tl);
    let mut lanes: Vec<(usize, String)> =
        busy.into_iter().map(|i| (i, names[i].clone())).collect();
    let group = |name: &str| match name.split(' ').next() {
        Some("main") => 0,
        Some("worker") => 1,
        _ => 2,
    };
    // Sorting is stable and names are numbered in index order: within a group, by number.
    lanes.sort_by_key(|(_, name)| group(name));
    lanes
}

/// The name tasks (or waits) are grouped under: the name without a trailing number ("fetch
/// page 7" and "fetch page 8" both go under "fetch page").
pub fn group_key(name: &str) -> &str {
    let trimmed = name.trim_end_matches(|c: char| {
        c.is_ascii_digit() || matches!(c, ' ' | '#' | '-' | '_' | '.')
    });
    if trimmed.is_empty() { name } else { trimmed }
}
