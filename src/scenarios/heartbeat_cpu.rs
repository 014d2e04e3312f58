//! CPU work beside a heartbeat: inline on the runtime thread, on tokio's
//! blocking pool, or on a rayon pool bridged back with a oneshot channel.

use super::{Ctx, KnobKind, KnobSpec, Knobs, Scenario, current_thread};
use crate::probe;
use crate::trace::Clock;
use tokio::sync::oneshot;
use tokio::time::sleep;

pub fn scenario() -> Scenario {
    Scenario {
        id: "heartbeat-cpu",
        title: "CPU work: don't block the loop",
        summary: "A heartbeat ticks every 10 ms while a few CPU jobs \
                  (hashing) run. Inline, each job holds the only runtime \
                  thread and the heartbeat stalls for the whole job; on \
                  tokio's blocking pool or on a rayon pool the heartbeat \
                  keeps its beat and the results are the same.",
        knobs: vec![
            KnobSpec {
                name: "mode",
                kind: KnobKind::Choice(&[
                    "inline",
                    "spawn_blocking",
                    "rayon",
                ]),
                default: "inline",
                help: "where the CPU jobs run: inside an async task, on \
                       tokio's blocking pool, or on a rayon thread pool",
            },
            KnobSpec {
                name: "job_ms",
                kind: KnobKind::Int { min: 1, max: 5_000 },
                default: "200",
                help: "the size of each CPU job, in wall-clock ms on a \
                       typical machine (a fixed amount of hashing, so the \
                       real time varies a little)",
            },
            KnobSpec {
                name: "jobs",
                kind: KnobKind::Int { min: 1, max: 10 },
                default: "2",
                help: "how many CPU jobs run, one after another",
            },
        ],
        limit_units: 60.0,
        flavor: current_thread,
        run: |ctx, knobs| Box::pin(run(ctx, knobs)),
    }
}

/// Hash rounds (of 1000 steps each) per ms of wall time: measured on a
/// typical 2-core machine. Unoptimised (debug) builds hash about five times
/// slower.
const ROUNDS_PER_MS: u64 = if cfg!(debug_assertions) { 120 } else { 900 };

/// How many hash rounds make a job of about `ms` wall-clock ms.
pub fn rounds_for_ms(ms: u64) -> u64 {
    ms.saturating_mul(ROUNDS_PER_MS).max(1)
}

// lesson:start heartbeat-cpu
/// The CPU job: stretch `seed` by hashing it `rounds` × 1000 times.
/// Pure computation, no `.await` anywhere, and the same input always
/// gives the same result.
pub fn hash_job(seed: u64, rounds: u64) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325 ^ seed;
    for _ in 0..rounds {
        for i in 0..1_000u64 {
            hash = (hash ^ i).wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// Hand a job to rayon's thread pool and await its answer: rayon fills a
/// oneshot channel; the async task only waits, and its thread is free.
async fn on_rayon(seed: u64, rounds: u64) -> u64 {
    let (tx, rx) = oneshot::channel();
    rayon::spawn(move || {
        let _ = tx.send(hash_job(seed, rounds));
    });
    probe::mark("handed to rayon");
    rx.await.expect("the rayon job panicked")
}

/// Run one job the way `mode` says and wait for its result.
async fn run_job(mode: &str, name: &str, seed: u64, rounds: u64) -> u64 {
    let job = move || hash_job(seed, rounds);
    let handle = match mode {
        // Don't: the whole job runs inside one poll, and nothing else on
        // this thread (heartbeat, other tasks, timers) runs until it ends.
        "inline" => probe::spawn(name, async move { job() }),
        // tokio's blocking pool: another thread runs the closure (asyncio:
        // `await asyncio.to_thread(job)` or `loop.run_in_executor`).
        "spawn_blocking" => probe::spawn_blocking(name, job),
        // A pool sized for CPU work: one thread per core.
        _ => probe::spawn(name, on_rayon(seed, rounds)),
    };
    handle.await.expect("the job panicked")
}
// lesson:end heartbeat-cpu

async fn run(ctx: Ctx, knobs: Knobs) {
    let heartbeat = ctx.start_heartbeat();
    let mode = knobs.choice("mode").to_string();
    let rounds = rounds_for_ms(knobs.int("job_ms") as u64);
    sleep(ctx.u(0.2)).await; // let the heartbeat find its beat
    let mut results = Vec::new();
    for n in 1..=knobs.int("jobs") as u64 {
        let hold = if mode == "rayon" {
            hold_paused_clock(&ctx)
        } else {
            None
        };
        let hash = run_job(&mode, &format!("hash-{n}"), n, rounds).await;
        drop(hold);
        probe::mark(&format!("hash-{n} done"));
        results.push(format!("{hash:016x}"));
        // A gap, so each job's effect on the heartbeat stands apart.
        sleep(ctx.u(0.1)).await;
    }
    sleep(ctx.u(0.1)).await;
    heartbeat.abort();
    probe::set_value("results", results);
}

/// Keeps tokio's paused clock still while a rayon job runs (asyncscope
/// plumbing, not part of the lesson): see [`probe::hold_paused_clock`].
fn hold_paused_clock(ctx: &Ctx) -> Option<probe::ClockHold> {
    (ctx.clock == Clock::Paused).then(|| {
        probe::hold_paused_clock(&tokio::runtime::Handle::current())
    })
}
