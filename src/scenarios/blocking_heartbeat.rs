//! A CPU job inline on the runtime thread vs on the blocking pool, with the heartbeat watching.

use super::{Ctx, KnobKind, KnobSpec, Knobs, Scenario, current_thread};
use crate::probe;
use std::time::{Duration, Instant};
use tokio::time::sleep;

pub fn scenario() -> Scenario {
    Scenario {
        id: "blocking-heartbeat",
        title: "Blocking the runtime: a CPU job inline or offloaded",
        summary: "A heartbeat ticks every 10 ms. A CPU job run inline holds the only runtime \
                  thread, so the heartbeat stalls for the whole job; run on the blocking pool \
                  with spawn_blocking, the heartbeat keeps its beat.",
        knobs: vec![
            KnobSpec {
                name: "mode",
                kind: KnobKind::Choice(&["inline", "spawn_blocking"]),
                default: "inline",
                help: "run the job inside an async task, or on tokio's blocking pool",
            },
            KnobSpec {
                name: "job_ms",
                kind: KnobKind::Int {
                    min: 1,
                    max: 10_000,
                },
                default: "200",
                help: "how long the CPU job computes, in wall-clock ms",
            },
        ],
        limit_units: 60.0,
        flavor: current_thread,
        run: |ctx, knobs| Box::pin(run(ctx, knobs)),
    }
}

/// Real CPU work (hashing) for `length` of wall time, whatever the machine's load.
pub fn cpu_job(length: Duration) -> u64 {
    let start = Instant::now();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut rounds = 0u64;
    while start.elapsed() < length {
        for i in 0..10_000u64 {
            hash = (hash ^ i).wrapping_mul(0x0100_0000_01b3);
        }
        rounds += 1;
    }
    std::hint::black_box(hash) ^ rounds
}

// lesson:start blocking-heartbeat
async fn run(ctx: Ctx, knobs: Knobs) {
    let heartbeat = ctx.start_heartbeat();
    let job = Duration::from_millis(knobs.int("job_ms") as u64);
    sleep(ctx.u(0.2)).await; // let the heartbeat find its beat

    let worker = if knobs.choice("mode") == "inline" {
        // Never do this: the loop below never reaches an .await,
        // so nothing else runs.
        probe::spawn("cpu-job", async move { cpu_job(job) })
    } else {
        // The job runs on a blocking-pool thread;
        // this task just awaits its result.
        probe::spawn("cpu-job", async move {
            probe::spawn_blocking("hashing", move || cpu_job(job))
                .await
                .unwrap()
        })
    };
    worker.await.unwrap();

    sleep(ctx.u(0.2)).await; // and watch the heartbeat recover
    heartbeat.abort();
}
// lesson:end blocking-heartbeat
