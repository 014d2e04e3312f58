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

const SETUP: Setup = Setup::new("crawler");

/// How many requests the (simulated) server accepts at once.
pub const LIMIT: usize = 3;

/// How many URLs the crawl is given.
pub const URLS: usize = 12;

/// Each URL's request length in tenths of a unit, set when the run starts.
static TENTHS: OnceLock<BTreeMap<String, u64>> = OnceLock::new();

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
            let tenths =
                harness::waves_tenths(&mut Inputs::for_run(), URLS, LIMIT);
            harness::record_lengths("request_units", &tenths, LIMIT);
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
