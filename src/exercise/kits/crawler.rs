//! Exercise `crawler` (lesson 8): crawl twelve simulated URLs with at most three requests in
//! flight, and the three slots kept busy.
//!
//! The requests' lengths vary from run to run (recorded in the trace): when every request
//! took exactly 1u, fixed waves of three looked like a semaphore.

use crate::exercise::harness::{self, Inputs, Setup};
use crate::probe;
use serde_json::json;
use std::collections::BTreeMap;
use std::future::Future;
use std::panic::Location;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

pub const SETUP: Setup = Setup::new("crawler");

/// How many requests the (simulated) server accepts at once.
pub const LIMIT: usize = 3;

/// How many URLs the crawl is given.
pub const URLS: usize = 12;

/// Each URL's request length in tenths of a unit, set when the run starts.
static TENTHS: OnceLock<BTreeMap<String, u64>> = OnceLock::new();

/// The requests' lengths in tenths of a unit, in the URLs' order: in every three, one slow
/// request (1.4u to 1.6u) and two quick ones (0.4u to 0.7u), the slow one anywhere among
/// them. Fixed waves of three then wait for each wave's slow request while two slots idle,
/// and take clearly longer than a semaphore, whatever the seed.
pub fn request_tenths(inputs: &mut Inputs, n: usize) -> Vec<u64> {
    let mut tenths = Vec::with_capacity(n);
    for wave in (0..n).step_by(LIMIT) {
        let size = LIMIT.min(n - wave);
        let slow = inputs.between(0, size as u64 - 1) as usize;
        for i in 0..size {
            tenths.push(if i == slow {
                inputs.between(14, 16)
            } else {
                inputs.between(4, 7)
            });
        }
    }
    tenths
}

/// How long requests of these lengths take with `LIMIT` slots, each request started in order
/// as soon as a slot frees up (a semaphore, `buffer_unordered`, a pool of `LIMIT` workers).
pub fn slots_tenths(tenths: &[u64]) -> u64 {
    let mut free_at = [0u64; LIMIT];
    for t in tenths {
        let slot = free_at.iter_mut().min().expect("LIMIT > 0");
        *slot += t;
    }
    free_at.into_iter().max().unwrap_or(0)
}

/// Requests started and not yet finished, and the most seen at once.
static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);
static MOST_IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);

/// One request in flight: counted from its first poll until it ends or is dropped.
struct InFlight;

impl InFlight {
    fn enter() -> InFlight {
        let now = IN_FLIGHT.fetch_add(1, Ordering::SeqCst) + 1;
        MOST_IN_FLIGHT.fetch_max(now, Ordering::SeqCst);
        InFlight
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        IN_FLIGHT.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Request `url` from the simulated server: it takes 0.4u to 1.6u (the same URL the same
/// time within a run), then returns the page's body.
#[track_caller]
pub fn fetch(url: &str) -> impl Future<Output = String> + Send + use<> {
    let called_at = Location::caller();
    let url = url.to_string();
    async move {
        let _counted = InFlight::enter();
        let tenths = TENTHS
            .get()
            .and_then(|t| t.get(&url))
            .copied()
            .unwrap_or(10);
        let wait = tokio::time::sleep(Duration::from_millis(100 * tenths));
        probe::wait_on_at(&format!("request {url}"), called_at, wait).await;
        format!("<html>{url}</html>")
    }
}

/// Drive the learner's `crawl` with twelve URLs and record what the checks need.
pub fn run<F, Fut>(crawl: F)
where
    F: FnOnce(Vec<String>) -> Fut + Send + 'static,
    Fut: Future<Output = Vec<String>> + Send + 'static,
{
    harness::run(&SETUP, move |_ctx| {
        Box::pin(async move {
            let urls: Vec<String> =
                (1..=URLS).map(|i| format!("example.com/{i}")).collect();
            let tenths = request_tenths(&mut Inputs::for_run(), URLS);
            let units = |t: u64| t as f64 / 10.0;
            probe::set_value(
                "request_units",
                json!(tenths.iter().map(|t| units(*t)).collect::<Vec<_>>()),
            );
            probe::set_value(
                "slots_units",
                json!(units(slots_tenths(&tenths))),
            );
            let _ = TENTHS.set(urls.iter().cloned().zip(tenths).collect());
            let expected: Vec<String> =
                urls.iter().map(|u| format!("<html>{u}</html>")).collect();
            probe::set_value("expected", json!(expected));
            let mut pages = crawl(urls).await;
            // Any order will do, as long as every page is there once: put them in the URLs'
            // order (strangers last) before comparing.
            pages.sort_by_key(|page| {
                expected.iter().position(|e| e == page).unwrap_or(URLS)
            });
            let most = MOST_IN_FLIGHT.load(Ordering::SeqCst);
            probe::set_value("pages", json!(pages));
            probe::set_value("max_in_flight", json!(most));
            // How far past the limit the busiest moment went: 0 when it was respected.
            probe::set_value(
                "requests_over_limit",
                json!(most.saturating_sub(LIMIT)),
            );
        })
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Waves of three wait for each wave's slowest request: they must miss the bound the
    /// check allows a semaphore (1.05 × its schedule) on every seed.
    #[test]
    fn waves_of_three_are_always_clearly_slower_than_slots() {
        for seed in 0..5_000 {
            let t = request_tenths(&mut Inputs::from_seed(seed), URLS);
            let waves: u64 =
                t.chunks(LIMIT).map(|w| *w.iter().max().unwrap()).sum();
            let slots = slots_tenths(&t);
            assert!(
                waves as f64 > 1.05 * slots as f64 + 1.0,
                "seed {seed}: {t:?} waves {waves} slots {slots}"
            );
        }
    }
}
