//! Exercise `fetch_all` (lesson 1): fetch ten simulated pages concurrently, results in input
//! order.

use crate::exercise::harness::{self, Setup};
use crate::probe;
use serde_json::json;
use std::future::Future;
use std::panic::Location;
use std::time::Duration;

const SETUP: Setup = Setup::new("fetch_all");

/// How long page `id` takes to arrive, in units: 0.5u to 1.0u, so the order pages finish in
/// differs from the order they were asked for.
fn latency_units(id: u32) -> f64 {
    0.5 + f64::from((id * 7) % 6) * 0.1
}

/// Fetch page `id` from the simulated network: it waits, then returns `"page {id}"`.
#[track_caller]
pub fn fetch_page(id: u32) -> impl Future<Output = String> + Send {
    let called_at = Location::caller();
    async move {
        let wait =
            tokio::time::sleep(Duration::from_secs_f64(latency_units(id)));
        probe::wait_on_at(&format!("fetch page {id}"), called_at, wait)
            .await;
        format!("page {id}")
    }
}

/// Drive the learner's `fetch_all` with pages 1 to 10 and record what the checks need.
pub fn run<F, Fut>(fetch_all: F)
where
    F: FnOnce(Vec<u32>) -> Fut + Send + 'static,
    Fut: Future<Output = Vec<String>> + Send + 'static,
{
    harness::run(&SETUP, move |_ctx| {
        Box::pin(async move {
            let ids: Vec<u32> = (1..=10).collect();
            let expected: Vec<String> =
                ids.iter().map(|i| format!("page {i}")).collect();
            let slowest =
                ids.iter().map(|&i| latency_units(i)).fold(0.0, f64::max);
            probe::set_value("expected", json!(expected));
            probe::set_value("slowest_units", slowest);
            let got = fetch_all(ids).await;
            probe::set_value("results", json!(got));
        })
    });
}
