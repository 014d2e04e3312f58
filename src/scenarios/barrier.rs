//! A barrier of three workers: each arrives in its own time, all leave
//! with the last.

use super::{Ctx, KnobKind, KnobSpec, Knobs, Scenario, current_thread};
use crate::probe;
use std::sync::Arc;
use tokio::sync::Barrier;
use tokio::time::{Instant, sleep};

fn arrival(
    name: &'static str,
    default: &'static str,
    help: &'static str,
) -> KnobSpec {
    KnobSpec {
        name,
        kind: KnobKind::Float {
            min: 0.0,
            max: 10.0,
        },
        default,
        help,
    }
}

pub fn scenario() -> Scenario {
    Scenario {
        id: "barrier",
        title: "A barrier: wait until everyone is there",
        summary: "Three workers reach a barrier at 1u, 2u and 1.5u. \
                  Nobody passes until the third arrives, so all three \
                  leave at 2u, work 0.5u more and are done at 2.5u.",
        knobs: vec![
            arrival(
                "a1",
                "1",
                "when worker-1 reaches the barrier, in units",
            ),
            arrival(
                "a2",
                "2",
                "when worker-2 reaches the barrier, in units",
            ),
            arrival(
                "a3",
                "1.5",
                "when worker-3 reaches the barrier, in units",
            ),
            KnobSpec {
                name: "after",
                kind: KnobKind::Float { min: 0.0, max: 5.0 },
                default: "0.5",
                help: "how long each worker works after passing the \
                       barrier, in units",
            },
        ],
        limit_units: 60.0,
        flavor: current_thread,
        run: |ctx, knobs| Box::pin(run(ctx, knobs)),
    }
}

// lesson:start barrier
/// Works alone until `arrive`, waits for the others, then works `after`
/// more. Returns: did it open the barrier, when it left, when it was done.
async fn worker(
    ctx: Ctx,
    gate: Arc<Barrier>,
    arrive: f64,
    after: f64,
) -> (bool, Instant, Instant) {
    sleep(ctx.u(arrive)).await; // phase 1, at this worker's own pace
    probe::mark("at the barrier");
    // Parks until the third worker waits too (asyncio: `barrier.wait()`).
    let passed = gate.wait().await;
    let left = Instant::now();
    probe::mark("through");
    // tokio names one the leader: the last to arrive, who opened it.
    if passed.is_leader() {
        probe::mark("the leader (arrived last)");
    }
    sleep(ctx.u(after)).await; // phase 2: everyone starts it together
    probe::mark("done");
    (passed.is_leader(), left, Instant::now())
}

async fn run(ctx: Ctx, knobs: Knobs) {
    let start = Instant::now();
    let gate = Arc::new(Barrier::new(3)); // opens when 3 tasks wait on it
    let after = knobs.float("after");
    let mut workers = Vec::new();
    for (i, knob) in ["a1", "a2", "a3"].into_iter().enumerate() {
        let arrive = knobs.float(knob);
        let task = worker(ctx.clone(), gate.clone(), arrive, after);
        workers.push(probe::spawn(&format!("worker-{}", i + 1), task));
    }
    // For each worker: (leader?, left at, done at).
    let times = futures::future::join_all(workers).await;
    // lesson:end barrier
    let units = |d: std::time::Duration| {
        let u = d.as_secs_f64() / ctx.unit.as_secs_f64();
        serde_json::json!((u * 1000.0).round() / 1000.0)
    };
    let mut left_at = serde_json::Map::new();
    let mut done_at = serde_json::Map::new();
    for (i, t) in times.into_iter().enumerate() {
        let (leader, left, done) = t.unwrap();
        let name = format!("worker-{}", i + 1);
        if leader {
            probe::set_value("leader", name.clone());
        }
        left_at.insert(name.clone(), units(left - start));
        done_at.insert(name, units(done - start));
    }
    probe::set_value("left_at", serde_json::Value::Object(left_at));
    probe::set_value("done_at", serde_json::Value::Object(done_at));
    probe::set_value("total_units", units(start.elapsed()));
}
