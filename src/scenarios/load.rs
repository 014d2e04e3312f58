//! Load: runs big enough to test the recorder, the timeline and the TUI
//! at scale, with counts a test can check exactly.
//!
//! many-tasks spawns ten thousand short tasks in waves; each is polled
//! exactly `yields + 2` times (one poll per yield, one that starts its
//! sleep, one when the sleep fires). many-polls has a few tasks yield in a
//! loop until together they were polled `polls` times.

use super::{Ctx, KnobKind, KnobSpec, Knobs, Scenario, current_thread};
use crate::probe;
use std::time::Duration;
use tokio::task::{JoinSet, yield_now};
use tokio::time::{Instant, sleep};

pub fn many_tasks() -> Scenario {
    Scenario {
        id: "many-tasks",
        title: "Load: ten thousand short tasks, in waves",
        summary: "Spawns `tasks` short tasks, `wave` at a time: each yields \
                  `yields` times, then sleeps `nap` units, and the next wave \
                  starts when the last task of this one ends. Every task is \
                  polled exactly yields + 2 times; the lanes fold into one \
                  group per wave.",
        knobs: vec![
            KnobSpec {
                name: "tasks",
                kind: KnobKind::Int {
                    min: 1,
                    max: 200_000,
                },
                default: "10000",
                help: "how many tasks to spawn in all",
            },
            KnobSpec {
                name: "wave",
                kind: KnobKind::Int {
                    min: 1,
                    max: 200_000,
                },
                default: "1000",
                help: "how many tasks are alive at once",
            },
            KnobSpec {
                name: "yields",
                kind: KnobKind::Int { min: 0, max: 1000 },
                default: "2",
                help: "how many times each task yields before its sleep",
            },
            KnobSpec {
                name: "nap",
                kind: KnobKind::Float {
                    min: 0.001,
                    max: 10.0,
                },
                default: "0.1",
                help: "how long each task sleeps, in units",
            },
        ],
        // A limit for a hang, not for the work: CPU time does not move a
        // paused clock, and on the real clock the waves take seconds.
        limit_units: 10_000.0,
        flavor: current_thread,
        run: |ctx, knobs| Box::pin(run_many_tasks(ctx, knobs)),
    }
}

pub fn many_polls() -> Scenario {
    Scenario {
        id: "many-polls",
        title: "Load: a million polls",
        summary: "A few tasks call yield_now in a loop until together they \
                  were polled `polls` times: three events a poll (start, \
                  end, the wake of the yield), so a million polls record \
                  three million events.",
        knobs: vec![
            KnobSpec {
                name: "polls",
                kind: KnobKind::Int {
                    min: 1,
                    max: 10_000_000,
                },
                default: "1000000",
                help: "how many polls the yielding tasks get in all",
            },
            KnobSpec {
                name: "tasks",
                kind: KnobKind::Int { min: 1, max: 64 },
                default: "4",
                help: "how many tasks share the polls",
            },
        ],
        limit_units: 10_000.0,
        flavor: current_thread,
        run: |ctx, knobs| Box::pin(run_many_polls(ctx, knobs)),
    }
}

// lesson:start many-tasks
/// A short task: a few turns on the thread, then a wait.
async fn short_task(yields: u64, nap: Duration) {
    for _ in 0..yields {
        yield_now().await; // back of the run queue: one more poll
    }
    sleep(nap).await; // one poll to start it, one when it fires
}

/// `tasks` tasks, at most `wave` alive at once; returns the waves.
async fn in_waves(
    tasks: u64,
    wave: u64,
    yields: u64,
    nap: Duration,
) -> u64 {
    let (mut spawned, mut waves) = (0, 0);
    while spawned < tasks {
        waves += 1;
        let size = wave.min(tasks - spawned);
        let mut set = JoinSet::new();
        for i in 1..=size {
            let name = format!("wave {waves} task {i}");
            probe::spawn_in(&mut set, &name, short_task(yields, nap));
        }
        set.join_all().await; // the whole wave ends before the next
        spawned += size;
    }
    waves
}
// lesson:end many-tasks

// lesson:start many-polls
/// Yield until polled `polls` times: each yield ends a poll, and the
/// runtime wakes the task again at once.
async fn yielder(polls: u64) {
    for _ in 1..polls {
        yield_now().await;
    }
}

/// `tasks` yielders sharing `polls` polls as evenly as they can.
async fn share_polls(polls: u64, tasks: u64) {
    let mut set = JoinSet::new();
    for i in 0..tasks {
        let mine = polls / tasks + u64::from(i < polls % tasks);
        if mine > 0 {
            let name = format!("yielder {}", i + 1);
            probe::spawn_in(&mut set, &name, yielder(mine));
        }
    }
    set.join_all().await;
}
// lesson:end many-polls

async fn run_many_tasks(ctx: Ctx, knobs: Knobs) {
    let start = Instant::now();
    let tasks = knobs.int("tasks") as u64;
    let yields = knobs.int("yields") as u64;
    let nap = ctx.u(knobs.float("nap"));
    let waves =
        in_waves(tasks, knobs.int("wave") as u64, yields, nap).await;
    let total = start.elapsed().as_secs_f64() / ctx.unit.as_secs_f64();
    probe::set_value("total_units", (total * 1000.0).round() / 1000.0);
    probe::set_value("tasks", tasks);
    probe::set_value("waves", waves);
    probe::set_value("polls_per_task", yields + 2);
}

async fn run_many_polls(ctx: Ctx, knobs: Knobs) {
    let start = Instant::now();
    let polls = knobs.int("polls") as u64;
    share_polls(polls, knobs.int("tasks") as u64).await;
    let total = start.elapsed().as_secs_f64() / ctx.unit.as_secs_f64();
    probe::set_value("total_units", (total * 1000.0).round() / 1000.0);
    probe::set_value("polls", polls);
}
