//! A small zoo of task behaviours to read in the inspector: a sleeper, a
//! chatty task woken by a pinger, a hog that blocks the runtime, a yielder
//! that keeps giving the thread back.

use super::heartbeat_cpu::{hash_job, rounds_for_ms};
use super::{Ctx, KnobKind, KnobSpec, Knobs, Scenario, current_thread};
use crate::probe;
use tokio::time::sleep;

pub fn scenario() -> Scenario {
    Scenario {
        id: "runtime-tour",
        title: "Reading the runtime: busy, idle, polls, wakes and lag",
        summary: "Five tasks behave differently on one thread: `sleeper` \
                  waits on a timer, `chatty` is woken by every message \
                  `pinger` sends, `yielder` does its work in small slices \
                  with yield_now, and `hog` computes for 150 ms without an \
                  await. The heartbeat shows which one blocked the loop.",
        knobs: vec![
            KnobSpec {
                name: "hog_ms",
                kind: KnobKind::Int { min: 1, max: 2_000 },
                default: "150",
                help: "how long the hog computes without an await, in \
                       wall-clock ms",
            },
            KnobSpec {
                name: "pings",
                kind: KnobKind::Int { min: 1, max: 200 },
                default: "50",
                help: "how many messages pinger sends chatty, one every \
                       0.02u",
            },
            KnobSpec {
                name: "yields",
                kind: KnobKind::Int { min: 1, max: 500 },
                default: "30",
                help: "in how many slices (about 1 ms of computing each) \
                       yielder does its work",
            },
        ],
        limit_units: 60.0,
        flavor: current_thread,
        run: |ctx, knobs| Box::pin(run(ctx, knobs)),
    }
}

// lesson:start runtime-tour
/// Mostly idle: one poll to start the timer, one when it fires.
async fn sleeper(ctx: Ctx) {
    sleep(ctx.u(1.0)).await;
}

/// Sends a message every 0.02u; each one wakes chatty.
async fn pinger(ctx: Ctx, pings: u64, tx: probe::Sender<u64>) {
    for n in 1..=pings {
        sleep(ctx.u(0.02)).await;
        let _ = tx.send(n).await;
    }
}

/// Many wakes, each followed by a very short poll.
async fn chatty(mut rx: probe::Receiver<u64>) -> u64 {
    let mut received = 0;
    while let Some(_ping) = rx.recv().await {
        received += 1;
    }
    received
}

/// Computes for a long time in one poll: the runtime thread can do
/// nothing else meanwhile.
async fn hog(ctx: Ctx, ms: u64) {
    sleep(ctx.u(0.4)).await;
    probe::mark("computing without an await");
    std::hint::black_box(hash_job(0, rounds_for_ms(ms)));
}

/// The same kind of work cut into slices, giving the thread back after
/// each one.
async fn yielder(ctx: Ctx, slices: u64) {
    sleep(ctx.u(0.7)).await;
    for n in 0..slices {
        std::hint::black_box(hash_job(n, rounds_for_ms(1)));
        // To the back of the queue: the runtime wakes it again soon.
        tokio::task::yield_now().await;
    }
}
// lesson:end runtime-tour

async fn run(ctx: Ctx, knobs: Knobs) {
    let heartbeat = ctx.start_heartbeat();
    let (tx, rx) = probe::channel("pings", 8);
    let pings = knobs.int("pings") as u64;
    let tasks = [
        probe::spawn("sleeper", sleeper(ctx.clone())),
        probe::spawn("pinger", pinger(ctx.clone(), pings, tx)),
        probe::spawn("hog", hog(ctx.clone(), knobs.int("hog_ms") as u64)),
        probe::spawn(
            "yielder",
            yielder(ctx.clone(), knobs.int("yields") as u64),
        ),
    ];
    let received = probe::spawn("chatty", chatty(rx)).await.unwrap();
    for t in tasks {
        t.await.unwrap();
    }
    heartbeat.abort();
    probe::set_value("received", received);
}
