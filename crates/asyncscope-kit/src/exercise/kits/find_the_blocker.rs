//! Exercise `find_the_blocker` (lesson 15): a small zoo of tasks shares one thread, and one of
//! them blocks the loop with a long poll; the learner reads the timeline and names it.

use crate::exercise::harness::{self, Setup};
use crate::probe;
use crate::run::Ctx;
use serde_json::json;
use std::time::{Duration, Instant};
use tokio::time::sleep;

const SETUP: Setup = Setup::new("find_the_blocker");

/// The task that blocks the loop: the one with the single longest poll.
const BLOCKER: &str = "thumbnailer";

/// Compute (hash) for `ms` of wall-clock time without an await: the thread is busy the whole
/// time, however loaded the machine is.
pub(crate) fn compute_for(ms: u64) -> u64 {
    let until = Instant::now() + Duration::from_millis(ms);
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    loop {
        for i in 0..1_000u64 {
            hash = (hash ^ i).wrapping_mul(0x0100_0000_01b3);
        }
        if Instant::now() >= until {
            return std::hint::black_box(hash);
        }
    }
}

/// Waits on the network for 1.2u: mostly idle.
async fn uploader(ctx: Ctx) {
    sleep(ctx.u(1.2)).await;
}

/// Sends 40 updates, one every 0.02u.
async fn feed(ctx: Ctx, tx: probe::Sender<u32>) {
    for n in 1..=40 {
        sleep(ctx.u(0.02)).await;
        let _ = tx.send(n).await;
    }
}

/// Woken by every update: many polls, each very short.
async fn notifier(mut rx: probe::Receiver<u32>) {
    while let Some(update) = rx.recv().await {
        std::hint::black_box(update);
    }
}

/// The most computing in all (about 450 ms), but in 150 slices of 3 ms, giving the thread
/// back for 0.005u after each one.
async fn indexer(ctx: Ctx) {
    sleep(ctx.u(0.2)).await;
    for _ in 0..150 {
        compute_for(3);
        sleep(ctx.u(0.005)).await;
    }
}

/// One poll of about 40 ms: noticeable, but short.
async fn resizer(ctx: Ctx) {
    sleep(ctx.u(0.5)).await;
    compute_for(40);
}

/// One poll of about 300 ms: nothing else runs meanwhile.
async fn thumbnailer(ctx: Ctx) {
    sleep(ctx.u(0.8)).await;
    compute_for(300);
}

/// Run the zoo and record the learner's `answer` beside the task that really blocked.
pub fn run(answer: &'static str) {
    harness::run(&SETUP, move |ctx| {
        Box::pin(async move {
            // Recorded only for grading, so the timeline a learner reads does not give the
            // answer away.
            if std::env::var_os(harness::TRACE_ENV).is_some() {
                let answer = answer.trim().to_lowercase();
                probe::set_value("answer", json!(answer));
                probe::set_value("blocker", BLOCKER);
            }
            let heartbeat = ctx.start_heartbeat();
            let (tx, rx) = probe::channel("updates", 8);
            let tasks = [
                probe::spawn("uploader", uploader(ctx.clone())),
                probe::spawn("feed", feed(ctx.clone(), tx)),
                probe::spawn("notifier", notifier(rx)),
                probe::spawn("indexer", indexer(ctx.clone())),
                probe::spawn("resizer", resizer(ctx.clone())),
                probe::spawn("thumbnailer", thumbnailer(ctx.clone())),
            ];
            for t in tasks {
                let _ = t.await;
            }
            heartbeat.abort();
        })
    });
}
