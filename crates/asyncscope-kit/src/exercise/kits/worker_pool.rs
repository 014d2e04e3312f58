//! Exercise `worker_pool` (lesson 9): five workers share the jobs of one channel, each job is
//! processed exactly once, and the workers stop when the channel closes.
//!
//! The jobs' lengths vary from run to run (recorded in the trace): when every job took
//! exactly 1u, fixed waves of five (`join_all` over chunks, no pool at all) looked like one.

use crate::exercise::harness::{self, Inputs, Setup};
use crate::probe;
use serde_json::json;
use std::future::Future;
use std::panic::Location;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

/// A pool that never stops is stopped at 30u (the work itself takes 4u).
const SETUP: Setup = Setup {
    limit_units: 30.0,
    ..Setup::new("worker_pool")
};

/// How many workers the pool should have.
pub const WORKERS: usize = 5;

/// How many jobs the pool is given.
pub const JOBS: u32 = 20;

/// Each job's length in tenths of a unit (job `id` is at `id - 1`), set when the run starts.
static TENTHS: OnceLock<Vec<u64>> = OnceLock::new();

/// Jobs being processed right now, and the most at once.
static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);
static MOST_AT_ONCE: AtomicUsize = AtomicUsize::new(0);

/// Every job whose processing finished, in order (a job processed twice is here twice).
static PROCESSED: Mutex<Vec<u32>> = Mutex::new(Vec::new());

/// One job being processed: counted from its first poll until it ends or is dropped.
struct Working;

impl Working {
    fn enter() -> Working {
        let now = IN_FLIGHT.fetch_add(1, Ordering::SeqCst) + 1;
        let most = MOST_AT_ONCE.fetch_max(now, Ordering::SeqCst).max(now);
        probe::set_value("jobs_at_once", json!(most));
        Working
    }
}

impl Drop for Working {
    fn drop(&mut self) {
        IN_FLIGHT.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A bounded queue of jobs whose waits show on the timeline (labelled "jobs"): `send` parks
/// while it is full, `recv` returns `None` once every sender is dropped and it is empty.
pub fn channel<T>(
    capacity: usize,
) -> (probe::Sender<T>, probe::Receiver<T>) {
    probe::channel("jobs", capacity)
}

/// Process job `id`: it takes 0.4u to 1.6u (the same job the same time within a run). Only a
/// job whose processing finished counts as done.
#[track_caller]
pub fn process(id: u32) -> impl Future<Output = ()> + Send + 'static {
    let called_at = Location::caller();
    async move {
        let _counted = Working::enter();
        let tenths = TENTHS
            .get()
            .and_then(|t| t.get((id as usize).wrapping_sub(1)))
            .copied()
            .unwrap_or(10);
        let work = tokio::time::sleep(Duration::from_millis(100 * tenths));
        probe::wait_on_at(&format!("job {id}"), called_at, work).await;
        let mut done = PROCESSED.lock().unwrap();
        done.push(id);
        done.sort_unstable();
        probe::set_value("processed", json!(*done));
    }
}

/// Drive the learner's `worker_pool` with twenty jobs and record what the checks need.
pub fn run<F, Fut>(worker_pool: F)
where
    F: FnOnce(Vec<u32>) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    harness::run(&SETUP, move |_ctx| {
        Box::pin(async move {
            let jobs: Vec<u32> = (1..=JOBS).collect();
            let tenths = harness::waves_tenths(
                &mut Inputs::for_run(),
                JOBS as usize,
                WORKERS,
            );
            harness::record_lengths("job_units", &tenths, WORKERS);
            let _ = TENTHS.set(tenths);
            probe::set_value("expected", json!(jobs));
            probe::set_value("jobs_at_once", json!(0));
            probe::set_value("processed", json!([]));
            worker_pool(jobs).await;
        })
    });
}
