//! Exercise `forgot_to_await` (lesson 2): make every job really run, concurrently.
//!
//! The jobs' lengths vary from run to run (recorded in the trace): with five equal jobs,
//! awaiting only the last one's handle looked right, since all five ended in the same tick.

use crate::exercise::harness::{self, Inputs, Setup};
use crate::probe;
use serde_json::json;
use std::future::Future;
use std::panic::Location;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

const SETUP: Setup = Setup::new("forgot_to_await");

/// The mark recorded when the learner's `run_jobs` returns.
pub const RETURNED: &str = "run_jobs returned";

/// Counts the jobs that really ran: a future that is never awaited never increments it.
#[derive(Clone)]
pub struct Ledger {
    done: Arc<AtomicU32>,
    /// Each job's length, in tenths of a unit (job `n` is at `n - 1`).
    tenths: Arc<Vec<u64>>,
}

impl Ledger {
    /// Job `n`: waits its length (0.5u to 1u), then writes itself into the ledger.
    #[track_caller]
    pub fn job(self, n: u32) -> impl Future<Output = ()> + Send + use<> {
        let called_at = Location::caller();
        async move {
            let tenths =
                self.tenths.get(n as usize - 1).copied().unwrap_or(10);
            let wait =
                tokio::time::sleep(Duration::from_millis(100 * tenths));
            probe::wait_on_at(&format!("job {n}"), called_at, wait).await;
            self.done.fetch_add(1, Ordering::SeqCst);
        }
    }

    pub fn done(&self) -> u32 {
        self.done.load(Ordering::SeqCst)
    }
}

/// The jobs' lengths in tenths of a unit: 5 to 9, and one job of 10 that is neither the
/// first nor the last, so awaiting only the first or only the last handle returns while
/// another job still runs, whatever the seed.
pub fn job_tenths(inputs: &mut Inputs, n: usize) -> Vec<u64> {
    let mut tenths: Vec<u64> =
        (0..n).map(|_| inputs.between(5, 9)).collect();
    if n >= 3 {
        let longest = inputs.between(1, n as u64 - 2) as usize;
        tenths[longest] = 10;
    }
    tenths
}

/// Drive the learner's `run_jobs` with five jobs.
pub fn run<F, Fut>(run_jobs: F)
where
    F: FnOnce(Ledger, u32) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    harness::run(&SETUP, move |_ctx| {
        Box::pin(async move {
            let tenths = job_tenths(&mut Inputs::for_run(), 5);
            let longest = tenths.iter().max().copied().unwrap_or(0);
            probe::set_value(
                "job_units",
                json!(
                    tenths
                        .iter()
                        .map(|t| *t as f64 / 10.0)
                        .collect::<Vec<_>>()
                ),
            );
            probe::set_value("longest_units", json!(longest as f64 / 10.0));
            let ledger = Ledger {
                done: Arc::default(),
                tenths: Arc::new(tenths),
            };
            run_jobs(ledger.clone(), 5).await;
            probe::mark(RETURNED);
            probe::set_value("jobs_done", json!(ledger.done()));
            probe::set_value("jobs", json!(5));
        })
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_job_is_never_first_or_last() {
        for seed in 0..2_000 {
            let t = job_tenths(&mut Inputs::from_seed(seed), 5);
            let longest = *t.iter().max().unwrap();
            assert_eq!(longest, 10);
            assert!(t[0] < longest && t[4] < longest, "seed {seed}: {t:?}");
            assert!(t.iter().all(|x| (5..=10).contains(x)));
        }
    }
}
