//! A token bucket rate limiter: `burst` requests at once, then one every 1/rate units.
//!
//! The bucket is a semaphore that starts full (`burst` tokens); a "refill" task adds a token
//! every 1/rate units, never more than `burst`. Every request takes a token (and keeps it:
//! `forget`) before it starts. All requests arrive at 0: the first `burst` start at once, the
//! others wait in line (tokio's semaphore is fair) and start 1/rate apart.

use super::{Ctx, KnobKind, KnobSpec, Knobs, Scenario, current_thread};
use crate::probe;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;
use tokio::time::{Instant, interval_at, sleep};

pub fn scenario() -> Scenario {
    Scenario {
        id: "token-bucket",
        title: "Rate limiting with a token bucket",
        summary: "8 requests arrive at once; the limit is 2 per unit with a burst of 2. Two start \
                  at once, the others wait for a token and start 0.5u apart: the last at 3u.",
        knobs: vec![
            KnobSpec {
                name: "rate",
                kind: KnobKind::Float {
                    min: 0.25,
                    max: 20.0,
                },
                default: "2",
                help: "tokens added per unit: the sustained request rate",
            },
            KnobSpec {
                name: "burst",
                kind: KnobKind::Int { min: 1, max: 20 },
                default: "2",
                help: "the bucket's capacity: how many requests may start at once",
            },
            KnobSpec {
                name: "requests",
                kind: KnobKind::Int { min: 1, max: 50 },
                default: "8",
                help: "how many requests arrive at the start",
            },
        ],
        limit_units: 1000.0,
        flavor: current_thread,
        run: |ctx, knobs| Box::pin(run(ctx, knobs)),
    }
}

/// How long a request takes once it has its token.
const REQUEST_UNITS: f64 = 0.2;

// lesson:start token-bucket
/// Add one token every `every`, up to `burst`; runs until aborted.
async fn refill(bucket: Arc<Semaphore>, every: Duration, burst: usize) {
    let mut ticks = interval_at(Instant::now() + every, every);
    loop {
        ticks.tick().await;
        if bucket.available_permits() < burst {
            // Handed straight to the first request in line.
            bucket.add_permits(1);
        }
    }
}

/// Wait for a token, then do the request. Returns when it started.
async fn request(bucket: Arc<Semaphore>, work: Duration) -> Instant {
    // The token is used up, not given back.
    bucket.acquire().await.unwrap().forget();
    let started = Instant::now();
    probe::mark("got a token");
    sleep(work).await;
    started
}

async fn rate_limited(
    requests: usize,
    rate: f64,
    burst: usize,
    unit: Duration,
) -> Vec<Instant> {
    let bucket = Arc::new(Semaphore::new(burst)); // starts full
    let refiller = probe::spawn(
        "refill",
        refill(bucket.clone(), unit.div_f64(rate), burst),
    );
    let work = unit.mul_f64(REQUEST_UNITS);
    let handles: Vec<_> = (1..=requests)
        .map(|i| {
            probe::spawn(&format!("req-{i}"), request(bucket.clone(), work))
        })
        .collect();
    let mut started = Vec::new();
    for handle in handles {
        started.push(handle.await.unwrap()); // in arrival order
    }
    refiller.abort(); // stop the refill task, and wait until it is gone
    let _ = refiller.await;
    started
}
// lesson:end token-bucket

async fn run(ctx: Ctx, knobs: Knobs) {
    let start = Instant::now();
    let started = rate_limited(
        knobs.int("requests") as usize,
        knobs.float("rate"),
        knobs.int("burst") as usize,
        ctx.unit,
    )
    .await;
    let unit = ctx.unit.as_secs_f64();
    let start_times: Vec<f64> = started
        .iter()
        .map(|t| {
            ((*t - start).as_secs_f64() / unit * 1000.0).round() / 1000.0
        })
        .collect();
    probe::set_value("start_times", start_times);
}
