//! Tasks and the scheduler: interleaving at awaits, lazy futures, a task that never yields.

use super::blocking_heartbeat::cpu_job;
use super::{Ctx, KnobKind, KnobSpec, Knobs, Scenario, current_thread};
use crate::probe;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;
use tokio::time::{Instant, sleep};
use tokio_util::sync::CancellationToken;

pub fn scenario() -> Scenario {
    Scenario {
        id: "interleave",
        title: "Tasks and the scheduler: taking turns at every await",
        summary: "One thread runs many tasks by switching between them at their awaits. \
                  interleave: ping and pong take turns. lazy: a future that is never awaited \
                  never runs. starve: a task that computes without awaiting holds the thread in \
                  one long poll and the ticker misses its ticks. yield: the same work in slices \
                  with yield_now lets the ticker in between (run starve and yield on the real \
                  clock: on the paused clock CPU work takes no time, so no tick falls due).",
        knobs: vec![
            KnobSpec {
                name: "mode",
                kind: KnobKind::Choice(&["interleave", "lazy", "starve", "yield"]),
                default: "interleave",
                help: "two tasks taking turns, a never-awaited future, a task that never \
                       yields, or the same task yielding between slices of work",
            },
            KnobSpec {
                name: "steps",
                kind: KnobKind::Int { min: 1, max: 20 },
                default: "3",
                help: "steps each task takes (0.5u apart); in starve and yield the busy task \
                       computes for steps × 100 ms of wall time",
            },
        ],
        limit_units: 100.0,
        flavor: current_thread,
        run: |ctx, knobs| Box::pin(run(ctx, knobs)),
    }
}

/// The length of one slice of the yielding busy task's work.
const SLICE: Duration = Duration::from_millis(10);

// lesson:start interleave
/// One step, then an await: each await hands the thread back to the scheduler.
async fn player(ctx: Ctx, name: &'static str, steps: i64, ran: Arc<AtomicBool>) {
    ran.store(true, Ordering::SeqCst); // only happens once something polls this future
    for step in 1..=steps {
        probe::mark(&format!("{name} {step}"));
        sleep(ctx.u(0.5)).await; // the scheduler runs whoever is ready meanwhile
    }
}

/// CPU work, in one piece or in slices with a `yield_now` between them.
async fn busy(work: Duration, yielding: bool) -> u64 {
    let start = std::time::Instant::now();
    let mut slices = 0;
    while start.elapsed() < work {
        cpu_job(if yielding { SLICE } else { work }); // no await inside: it holds the thread
        slices += 1;
        if yielding {
            tokio::task::yield_now().await; // let every ready task run, then carry on
        }
    }
    slices
}

/// Wants to tick every 0.1u, but can only tick when the thread is free.
async fn ticker(ctx: Ctx, stop: CancellationToken) {
    for tick in 1.. {
        tokio::select! {
            _ = sleep(ctx.u(0.1)) => probe::mark(&format!("tick {tick}")),
            _ = stop.cancelled() => break,
        }
    }
}

/// Calling an async fn only builds a future; its body runs when it is awaited (or spawned).
async fn lazy(ctx: Ctx, steps: i64, forgotten_ran: Arc<AtomicBool>) {
    let forgotten = player(ctx.clone(), "forgotten", steps, forgotten_ran); // nothing runs
    player(ctx, "awaited", steps, Arc::default()).await; // runs, step by step
    drop(forgotten); // dropped without ever being polled: not one line of it ran
}
// lesson:end interleave

async fn run(ctx: Ctx, knobs: Knobs) {
    let steps = knobs.int("steps");
    let start = Instant::now();
    match knobs.choice("mode") {
        "interleave" => {
            let ping = probe::spawn("ping", player(ctx.clone(), "ping", steps, Arc::default()));
            let pong = probe::spawn("pong", player(ctx.clone(), "pong", steps, Arc::default()));
            ping.await.unwrap();
            pong.await.unwrap();
        }
        "lazy" => {
            let ran = Arc::new(AtomicBool::new(false));
            probe::spawn("caller", lazy(ctx.clone(), steps, ran.clone()))
                .await
                .unwrap();
            probe::set_value("lazy_future_ran", ran.load(Ordering::SeqCst));
        }
        mode => {
            let yielding = mode == "yield";
            let work = Duration::from_millis(100 * steps as u64);
            let stop = CancellationToken::new();
            let ticks = probe::spawn("ticker", ticker(ctx.clone(), stop.clone()));
            sleep(ctx.u(0.25)).await; // let the ticker find its beat
            let slices = Arc::new(AtomicU64::new(0));
            let count = slices.clone();
            probe::spawn("busy", async move {
                probe::mark("busy: starts computing");
                count.store(busy(work, yielding).await, Ordering::SeqCst);
                probe::mark("busy: done");
            })
            .await
            .unwrap();
            sleep(ctx.u(0.25)).await; // and watch the ticker recover
            stop.cancel();
            ticks.await.unwrap();
            probe::set_value("busy_slices", slices.load(Ordering::SeqCst));
        }
    }
    let total = start.elapsed().as_secs_f64() / ctx.unit.as_secs_f64();
    probe::set_value("total_units", (total * 1000.0).round() / 1000.0);
}
