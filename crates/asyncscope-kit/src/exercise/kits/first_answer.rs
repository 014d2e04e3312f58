//! Exercise `first_answer` (lesson 4): race three mirrors, keep the first reply, cancel the
//! slower queries.

use crate::exercise::harness::{self, Setup};
use crate::probe;
use serde_json::json;
use std::future::Future;
use std::panic::Location;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

const SETUP: Setup = Setup::new("first_answer");

/// The mirrors and how long each takes to reply, in units.
const MIRRORS: [(&str, f64); 3] =
    [("mirror-a", 1.2), ("mirror-b", 0.4), ("mirror-c", 0.9)];

/// Queries started and not yet over (finished or dropped).
static RUNNING: AtomicU32 = AtomicU32::new(0);
/// Queries that got their reply.
static REPLIED: AtomicU32 = AtomicU32::new(0);

/// Alive while a query runs: counts it, and says on the timeline when it was cancelled.
struct Running {
    mirror: &'static str,
    replied: bool,
}

impl Running {
    fn start(mirror: &'static str) -> Running {
        RUNNING.fetch_add(1, Ordering::SeqCst);
        Running {
            mirror,
            replied: false,
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        RUNNING.fetch_sub(1, Ordering::SeqCst);
        if self.replied {
            REPLIED.fetch_add(1, Ordering::SeqCst);
        } else {
            probe::mark(&format!("query {} cancelled", self.mirror));
        }
    }
}

/// The reply `mirror` sends.
fn reply(mirror: &str) -> String {
    format!("{mirror}: release 2.4.1")
}

/// Ask `mirror` for the latest release: mirror-a replies after 1.2u, mirror-b after 0.4u,
/// mirror-c after 0.9u.
#[track_caller]
pub fn query(mirror: &'static str) -> impl Future<Output = String> + Send {
    let called_at = Location::caller();
    async move {
        let units = MIRRORS
            .iter()
            .find(|(name, _)| *name == mirror)
            .map_or(2.0, |(_, units)| *units);
        let mut running = Running::start(mirror);
        let wait = tokio::time::sleep(Duration::from_secs_f64(units));
        probe::wait_on_at(&format!("query {mirror}"), called_at, wait)
            .await;
        running.replied = true;
        reply(mirror)
    }
}

/// Drive the learner's `first_answer` with the three mirrors and record what the checks need.
pub fn run<F, Fut>(first_answer: F)
where
    F: FnOnce(Vec<&'static str>) -> Fut + Send + 'static,
    Fut: Future<Output = String> + Send + 'static,
{
    harness::run(&SETUP, move |_ctx| {
        Box::pin(async move {
            let (fastest, fastest_units) = MIRRORS
                .iter()
                .copied()
                .fold(("", f64::MAX), |a, b| if b.1 < a.1 { b } else { a });
            probe::set_value("expected", reply(fastest));
            probe::set_value("fastest_units", fastest_units);
            let mirrors = MIRRORS.iter().map(|(name, _)| *name).collect();
            let answer = first_answer(mirrors).await;
            probe::set_value("answer", json!(answer));
            probe::set_value(
                "replies_received",
                REPLIED.load(Ordering::SeqCst),
            );
            // An aborted task is dropped the next time the scheduler gets to it: give it
            // that chance before counting the queries still running.
            for _ in 0..3 {
                tokio::task::yield_now().await;
            }
            probe::set_value(
                "queries_running",
                RUNNING.load(Ordering::SeqCst),
            );
        })
    });
}
