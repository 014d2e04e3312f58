//! Retry with exponential backoff: a flaky call tried again after 1u, 2u, 4u…
//!
//! The call itself is instant (one `yield_now`), so attempt n+1 starts exactly
//! base·factorⁿ units after attempt n (n counted from 0): with base 1 and factor 2 the attempts
//! start at 0, 1, 3 and 7u. The flaky service fails its first `fail_first` calls (deterministic,
//! not random, so a prediction can be graded).

use super::{Ctx, KnobKind, KnobSpec, Knobs, Scenario, current_thread};
use crate::probe;
use std::future::Future;
use std::time::Duration;
use tokio::time::{Instant, sleep};

pub fn scenario() -> Scenario {
    Scenario {
        id: "retry",
        title: "Retrying a flaky call with exponential backoff",
        summary: "A call fails its first 3 attempts. Retried after 1u, 2u and 4u, the attempts \
                  start at 0, 1, 3 and 7u and the fourth succeeds. After max_attempts it gives \
                  up; an error that cannot get better (a 404) is never retried.",
        knobs: vec![
            KnobSpec {
                name: "base",
                kind: KnobKind::Float { min: 0.1, max: 5.0 },
                default: "1",
                help: "the wait after the first failure, in units",
            },
            KnobSpec {
                name: "factor",
                kind: KnobKind::Float { min: 1.0, max: 3.0 },
                default: "2",
                help: "each wait is this many times the previous one",
            },
            KnobSpec {
                name: "max_attempts",
                kind: KnobKind::Int { min: 1, max: 8 },
                default: "4",
                help: "how many attempts in all (the first call included) before giving up",
            },
            KnobSpec {
                name: "fail_first",
                kind: KnobKind::Int { min: 0, max: 10 },
                default: "3",
                help: "how many attempts fail before the service answers",
            },
            KnobSpec {
                name: "non_retryable",
                kind: KnobKind::Bool,
                default: "false",
                help: "the failures are 404 Not Found (retrying cannot help) instead of 503",
            },
        ],
        limit_units: 10_000.0,
        flavor: current_thread,
        run: |ctx, knobs| Box::pin(run(ctx, knobs)),
    }
}

// lesson:start retry
#[derive(Debug)]
enum CallError {
    Unavailable, // 503: the service may be back in a moment
    NotFound,    // 404: asking again gets the same answer
}

impl CallError {
    fn is_retryable(&self) -> bool {
        matches!(self, CallError::Unavailable)
    }
}

/// Call `call` until it succeeds, waiting base·factorⁿ
/// after the n-th failure (n from 0).
async fn retry_with_backoff<T, F, Fut>(
    mut call: F,
    base: Duration,
    factor: f64,
    max_attempts: u32,
) -> Result<T, CallError>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<T, CallError>>,
{
    let mut delay = base;
    for attempt in 1.. {
        probe::mark(&format!("attempt {attempt}"));
        match call(attempt).await {
            Ok(value) => return Ok(value),
            // Don't retry what cannot get better,
            // and stop after the last attempt.
            Err(e) if !e.is_retryable() || attempt >= max_attempts => {
                return Err(e);
            }
            Err(e) => {
                probe::mark(&format!("{e:?}: waiting {delay:?}"));
                // Real code adds random jitter so clients spread out.
                sleep(delay).await;
                delay = delay.mul_f64(factor);
            }
        }
    }
    unreachable!("the loop only ends by returning")
}

// lesson:end retry

/// The flaky service: its first `fail_first` calls fail.
async fn flaky_call(
    attempt: u32,
    fail_first: u32,
    not_found: bool,
) -> Result<&'static str, CallError> {
    tokio::task::yield_now().await; // a real call would await the network here
    match attempt <= fail_first {
        true if not_found => Err(CallError::NotFound),
        true => Err(CallError::Unavailable),
        false => Ok("data"),
    }
}

async fn run(ctx: Ctx, knobs: Knobs) {
    let base = ctx.u(knobs.float("base"));
    let factor = knobs.float("factor");
    let max_attempts = knobs.int("max_attempts") as u32;
    let fail_first = knobs.int("fail_first") as u32;
    let not_found = knobs.flag("non_retryable");
    let unit = ctx.unit.as_secs_f64();

    let client = probe::spawn("client", async move {
        let start = Instant::now();
        let mut attempts_at = Vec::new();
        let result = retry_with_backoff(
            |attempt| {
                attempts_at.push(start.elapsed().as_secs_f64() / unit);
                flaky_call(attempt, fail_first, not_found)
            },
            base,
            factor,
            max_attempts,
        )
        .await;
        match &result {
            Ok(_) => probe::mark("success"),
            Err(e) => probe::mark(&format!("gave up: {e:?}")),
        }
        (result.is_ok(), attempts_at)
    });
    let (succeeded, attempts_at) = client.await.unwrap();

    let rounded: Vec<f64> = attempts_at
        .iter()
        .map(|t| (t * 1000.0).round() / 1000.0)
        .collect();
    probe::set_value("attempts", rounded.len() as u64);
    probe::set_value("attempts_at", rounded);
    probe::set_value("succeeded", succeeded);
}
