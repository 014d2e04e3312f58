//! A semaphore limiting how many operations are in flight.
//!
//! The spawning loop acquires an owned permit before spawning each operation and moves it into
//! the task, so at most `limit` tasks exist at once and a task's lifetime is its time in
//! flight: 20 ops of 1u with limit 5 run in 4 waves, 4u.

use super::{Ctx, KnobKind, KnobSpec, Knobs, Scenario, current_thread};
use crate::probe;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep};

pub fn scenario() -> Scenario {
    Scenario {
        id: "semaphore",
        title: "A semaphore: at most N in flight",
        summary: "20 operations of 1u, at most 5 at a time: they run in waves of 5 and take 4u. \
                  A permit is taken before each task is spawned and released when it ends, so \
                  never more than 5 are alive.",
        knobs: vec![
            KnobSpec {
                name: "ops",
                kind: KnobKind::Int { min: 1, max: 100 },
                default: "20",
                help: "how many operations to run",
            },
            KnobSpec {
                name: "op_len",
                kind: KnobKind::Float { min: 0.1, max: 5.0 },
                default: "1",
                help: "how long each operation takes, in units",
            },
            KnobSpec {
                name: "limit",
                kind: KnobKind::Int { min: 1, max: 20 },
                default: "5",
                help: "the semaphore's permits: how many operations may be in flight at once",
            },
        ],
        limit_units: 1000.0,
        flavor: current_thread,
        run: |ctx, knobs| Box::pin(run(ctx, knobs)),
    }
}

// lesson:start semaphore
async fn operation(op_len: Duration) {
    sleep(op_len).await; // a request, a query: waiting on something outside
}

/// Run `ops` operations, at most `limit` at a time;
/// returns the most seen in flight.
async fn run_limited(ops: usize, op_len: Duration, limit: usize) -> usize {
    let permits = Arc::new(Semaphore::new(limit));
    let mut set = JoinSet::new();
    let mut peak = 0;
    for i in 1..=ops {
        // Wait for a free slot *before* spawning:
        // with `limit` ops in flight, this parks.
        let permit = permits.clone().acquire_owned().await.unwrap();
        let in_flight = limit - permits.available_permits();
        peak = peak.max(in_flight);
        probe::spawn_in(&mut set, &format!("op-{i}"), async move {
            operation(op_len).await;
            // The slot frees when the task ends:
            // the loop can spawn the next.
            drop(permit);
        });
    }
    set.join_all().await; // wait for the last wave
    peak
}
// lesson:end semaphore

async fn run(ctx: Ctx, knobs: Knobs) {
    let start = Instant::now();
    let peak = run_limited(
        knobs.int("ops") as usize,
        ctx.u(knobs.float("op_len")),
        knobs.int("limit") as usize,
    )
    .await;
    let total = start.elapsed().as_secs_f64() / ctx.unit.as_secs_f64();
    probe::set_value("total_units", (total * 1000.0).round() / 1000.0);
    probe::set_value("peak_in_flight", peak as u64);
}
