//! Tasks and the scheduler: interleaving at awaits, lazy futures, a task
//! that never yields.

use super::blocking_heartbeat::cpu_job;
use super::{Ctx, Flavor, KnobKind, KnobSpec, Knobs, Scenario};
use crate::probe;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
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
                  with yield_now lets the ticker in between. (starve and yield run on a runtime \
                  with one worker thread and the real clock: on a paused clock CPU work takes \
                  no time, so no tick would fall due while the busy task computes.)",
        knobs: vec![
            KnobSpec {
                name: "mode",
                kind: KnobKind::Choice(&[
                    "interleave",
                    "lazy",
                    "starve",
                    "yield",
                ]),
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
        // Generous: in starve and yield the run lasts seconds of wall time,
        // which is many units when a unit is short.
        limit_units: 10_000.0,
        flavor,
        run: |ctx, knobs| Box::pin(run(ctx, knobs)),
    }
}

/// starve and yield measure CPU work against ticks, so they need the real
/// clock: tokio only pauses the clock of a current-thread runtime, and a
/// multi-thread runtime with one worker still runs every spawned task on
/// that one thread.
fn flavor(knobs: &Knobs) -> Flavor {
    match knobs.choice("mode") {
        "starve" | "yield" => Flavor::MultiThread { workers: 1 },
        _ => Flavor::CurrentThread,
    }
}

/// Set by a future's body: did anything ever poll it?
type Flag = Arc<AtomicBool>;

/// The length of one slice of the yielding busy task's work.
const SLICE: Duration = Duration::from_millis(5);

// lesson:start interleave
/// One step, then an await: each await hands the thread back.
async fn player(ctx: Ctx, name: &'static str, steps: i64, ran: Flag) {
    ran.store(true, Ordering::SeqCst); // happens only once polled
    for step in 1..=steps {
        probe::mark(&format!("{name} {step}"));
        sleep(ctx.u(0.5)).await; // others run while this one waits
    }
}

/// Two tasks on one thread take turns, switching at every await.
async fn ping_pong(ctx: Ctx, steps: i64) {
    let ping = player(ctx.clone(), "ping", steps, Flag::default());
    let pong = player(ctx, "pong", steps, Flag::default());
    let ping = probe::spawn("ping", ping); // spawned: it starts now
    let pong = probe::spawn("pong", pong);
    let _ = tokio::join!(ping, pong);
}

/// Calling an async fn only builds a future: it runs once awaited.
async fn lazy(ctx: Ctx, steps: i64, ran: Flag) {
    // Building the future runs nothing, not even its first line.
    let forgotten = player(ctx.clone(), "forgotten", steps, ran);
    player(ctx, "awaited", steps, Flag::default()).await; // runs
    drop(forgotten); // dropped without ever being polled
}

/// CPU work: in one piece, or in slices with a yield after each.
async fn busy(work: Duration, yielding: bool) {
    let start = std::time::Instant::now();
    while start.elapsed() < work {
        // No await in here: this holds the thread.
        cpu_job(if yielding { SLICE } else { work });
        if yielding {
            tokio::task::yield_now().await; // let ready tasks run
        }
    }
}

/// Wants to tick every 0.1u; it can tick only when the thread is free.
async fn ticker(ctx: Ctx) {
    for tick in 1.. {
        sleep(ctx.u(0.1)).await;
        probe::mark(&format!("tick {tick}"));
    }
}
// lesson:end interleave

async fn run(ctx: Ctx, knobs: Knobs) {
    let steps = knobs.int("steps");
    let start = Instant::now();
    match knobs.choice("mode") {
        "interleave" => ping_pong(ctx.clone(), steps).await,
        "lazy" => {
            let ran = Flag::default();
            let caller = lazy(ctx.clone(), steps, ran.clone());
            probe::spawn("caller", caller).await.unwrap();
            let ran = ran.load(Ordering::SeqCst);
            probe::set_value("lazy_future_ran", ran);
        }
        mode => {
            let yielding = mode == "yield";
            let work = Duration::from_millis(100 * steps as u64);
            // The ticker ticks until told to stop.
            let stop = CancellationToken::new();
            let ticks =
                stop.clone().run_until_cancelled_owned(ticker(ctx.clone()));
            let ticks = probe::spawn("ticker", ticks);
            sleep(ctx.u(0.25)).await; // let the ticker find its beat
            let busy = probe::spawn("busy", async move {
                probe::mark("starts computing");
                busy(work, yielding).await;
                probe::mark("done computing");
            });
            busy.await.unwrap();
            sleep(ctx.u(0.25)).await; // and watch the ticker recover
            stop.cancel();
            ticks.await.unwrap();
        }
    }
    let total = start.elapsed().as_secs_f64() / ctx.unit.as_secs_f64();
    probe::set_value("total_units", (total * 1000.0).round() / 1000.0);
}
