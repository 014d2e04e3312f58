//! The lost update: 100 tasks each read a counter, await, then write what they read plus one.
//!
//! On one thread there is no data race, yet every task reads 0 before any task writes, so the
//! counter ends at 1. Holding a tokio Mutex across the await makes read-await-write one step:
//! 100, in 100 pauses one after another.

use super::{Ctx, KnobKind, KnobSpec, Knobs, Scenario, current_thread};
use crate::probe;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;
use tokio::sync::Mutex;
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep};

pub fn scenario() -> Scenario {
    Scenario {
        id: "lost-update",
        title: "Race conditions: the lost update",
        summary: "100 tasks each read a counter, await a short pause, and write back what they \
                  read plus one. Every task reads 0 before the first write, so the counter ends \
                  at 1, not 100. With a tokio Mutex held across the await it ends at 100.",
        knobs: vec![
            KnobSpec {
                name: "tasks",
                kind: KnobKind::Int { min: 1, max: 1000 },
                default: "100",
                help: "how many tasks each add one to the counter",
            },
            KnobSpec {
                name: "lock",
                kind: KnobKind::Choice(&["none", "tokio-mutex"]),
                default: "none",
                help: "no lock, or a tokio Mutex held from the read to the write",
            },
            KnobSpec {
                name: "pause",
                kind: KnobKind::Float {
                    min: 0.001,
                    max: 0.1,
                },
                default: "0.01",
                help: "how long each task awaits between its read and its write, in units",
            },
        ],
        limit_units: 200.0,
        flavor: current_thread,
        run: |ctx, knobs| Box::pin(run(ctx, knobs)),
    }
}

// lesson:start lost-update
/// Unsafe: between the read and the write, every other task gets to run.
async fn increment_unlocked(counter: Arc<AtomicI64>, pause: Duration) {
    let read = counter.load(Ordering::SeqCst); // 1. read
    probe::mark(&format!("read {read}"));
    // 2. await: the other tasks run here and read the same value
    sleep(pause).await;
    // 3. write: overwrites their writes
    counter.store(read + 1, Ordering::SeqCst);
    probe::mark(&format!("wrote {}", read + 1));
}

/// Safe: the guard is held across the await,
/// so no one else can read in between.
async fn increment_locked(counter: Arc<Mutex<i64>>, pause: Duration) {
    let mut value = counter.lock().await; // wait for our turn
    let read = *value;
    probe::mark(&format!("read {read}"));
    sleep(pause).await; // still holding the lock: the others queue up
    *value = read + 1;
    probe::mark(&format!("wrote {}", read + 1));
} // the guard drops here and the next task in line gets the lock

async fn count(tasks: usize, pause: Duration, locked: bool) -> i64 {
    let racy = Arc::new(AtomicI64::new(0));
    let safe = Arc::new(Mutex::new(0));
    let mut set = JoinSet::new();
    for i in 1..=tasks {
        let name = format!("inc-{i}");
        if locked {
            let job = increment_locked(safe.clone(), pause);
            probe::spawn_in(&mut set, &name, job);
        } else {
            let job = increment_unlocked(racy.clone(), pause);
            probe::spawn_in(&mut set, &name, job);
        }
    }
    set.join_all().await; // wait for every task
    if locked {
        *safe.lock().await
    } else {
        racy.load(Ordering::SeqCst)
    }
}
// lesson:end lost-update

async fn run(ctx: Ctx, knobs: Knobs) {
    let tasks = knobs.int("tasks") as usize;
    let locked = knobs.choice("lock") == "tokio-mutex";
    let start = Instant::now();
    let final_value =
        count(tasks, ctx.u(knobs.float("pause")), locked).await;
    let total = start.elapsed().as_secs_f64() / ctx.unit.as_secs_f64();
    probe::set_value("final", final_value);
    probe::set_value("expected", tasks as i64);
    probe::set_value("total_units", (total * 1000.0).round() / 1000.0);
}
