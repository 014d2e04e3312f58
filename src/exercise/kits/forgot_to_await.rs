//! Exercise `forgot_to_await` (lesson 2): make every job really run, concurrently.

use crate::exercise::harness::{self, Setup};
use crate::probe;
use serde_json::json;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

pub const SETUP: Setup = Setup::new("forgot_to_await");

/// Counts the jobs that really ran: a future that is never awaited never increments it.
#[derive(Clone, Default)]
pub struct Ledger(Arc<AtomicU32>);

impl Ledger {
    /// Job `n`: waits 1u, then writes itself into the ledger.
    pub async fn job(self, n: u32) {
        probe::wait_on(
            &format!("job {n}"),
            tokio::time::sleep(Duration::from_secs(1)),
        )
        .await;
        self.0.fetch_add(1, Ordering::SeqCst);
    }

    pub fn done(&self) -> u32 {
        self.0.load(Ordering::SeqCst)
    }
}

/// Drive the learner's `run_jobs` with five jobs.
pub fn run<F, Fut>(run_jobs: F)
where
    F: FnOnce(Ledger, u32) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    harness::run(&SETUP, move |_ctx| {
        Box::pin(async move {
            let ledger = Ledger::default();
            run_jobs(ledger.clone(), 5).await;
            probe::set_value("jobs_done", json!(ledger.done()));
            probe::set_value("jobs", json!(5));
        })
    });
}
