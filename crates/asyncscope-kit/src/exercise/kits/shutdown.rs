//! Exercise `shutdown` (lesson 14): a server that stops accepting on Ctrl-C, lets the requests
//! in flight finish within a deadline, cancels what is still running then, and leaves no task
//! behind.

use crate::exercise::harness::{self, Setup};
use crate::probe;
use serde_json::json;
use std::collections::BTreeSet;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::{Instant, sleep, sleep_until};

const SETUP: Setup = Setup {
    limit_units: 20.0,
    ..Setup::new("shutdown")
};

/// When Ctrl-C arrives, in units.
const SIGNAL_AT_UNITS: f64 = 2.0;
/// A new request arrives every 0.3u.
const ARRIVAL_UNITS: f64 = 0.3;

/// How long the requests in flight may still run after Ctrl-C (1.5u).
pub const DEADLINE: Duration = Duration::from_millis(1500);

/// How long request `id` takes to handle, in units: most take 1u; request 4 is a slow report
/// (5u, far past the deadline) and request 6 takes 1.6u (it just fits).
fn work_units(id: u32) -> f64 {
    match id {
        4 => 5.0,
        6 => 1.6,
        _ => 1.0,
    }
}

/// What the kit saw: who was accepted when, and which requests were handled to the end.
struct Log {
    signal_at: Instant,
    accepted_after_signal: u32,
    completed: BTreeSet<u32>,
}

type Shared = Arc<Mutex<Log>>;

/// The shutdown signal: Ctrl-C, which arrives at 2u.
#[derive(Clone)]
pub struct Signal {
    at: Instant,
}

impl Signal {
    pub(crate) fn at(at: Instant) -> Signal {
        Signal { at }
    }

    /// Waits for Ctrl-C; once it has arrived, returns at once. Cancel-safe: use it in
    /// `select!` as often as you like.
    pub async fn recv(&self) {
        sleep_until(self.at).await;
    }
}

/// The incoming requests: one arrives every 0.3u, forever.
pub struct Requests {
    next_id: u32,
    start: Instant,
    unit: Duration,
    log: Shared,
}

impl Requests {
    /// Waits for the next request and accepts it. Cancel-safe: dropping the future (a `select!`
    /// branch that lost) accepts nothing.
    pub async fn next(&mut self) -> Request {
        let arrives = self.start
            + self.unit.mul_f64(ARRIVAL_UNITS * f64::from(self.next_id));
        sleep_until(arrives).await;
        let id = self.next_id;
        self.next_id += 1;
        let mut log = self.log.lock().unwrap();
        if Instant::now() >= log.signal_at {
            log.accepted_after_signal += 1;
            probe::mark(&format!("request-{id} accepted after Ctrl-C"));
            probe::set_value(
                "accepted_after_signal",
                log.accepted_after_signal,
            );
        }
        Request {
            id,
            work: self.unit.mul_f64(work_units(id)),
            log: self.log.clone(),
        }
    }
}

/// One accepted request.
pub struct Request {
    id: u32,
    work: Duration,
    log: Shared,
}

impl Request {
    /// `request-N`: a name for the task that handles it.
    pub fn name(&self) -> String {
        format!("request-{}", self.id)
    }

    /// Handle the request (most take 1u, one takes 5u). Dropping the future, or aborting the
    /// task that runs it, abandons the request cleanly.
    pub async fn handle(self) {
        probe::wait_on(
            &format!("handling {}", self.name()),
            sleep(self.work),
        )
        .await;
        self.log.lock().unwrap().completed.insert(self.id);
    }
}

/// Drive the learner's `serve` with the requests and the Ctrl-C signal.
pub fn run<F, Fut>(serve: F)
where
    F: FnOnce(Requests, Signal) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    harness::run(&SETUP, move |ctx| {
        Box::pin(async move {
            let start = Instant::now();
            let signal_at = start + ctx.u(SIGNAL_AT_UNITS);
            let deadline_at = signal_at + DEADLINE;
            let log = Arc::new(Mutex::new(Log {
                signal_at,
                accepted_after_signal: 0,
                completed: BTreeSet::new(),
            }));
            // The requests accepted before Ctrl-C that can finish by the deadline.
            let fits: BTreeSet<u32> = (1..)
                .take_while(|&id| {
                    ARRIVAL_UNITS * f64::from(id) < SIGNAL_AT_UNITS
                })
                .filter(|&id| {
                    ARRIVAL_UNITS * f64::from(id) + work_units(id)
                        <= SIGNAL_AT_UNITS + DEADLINE.as_secs_f64()
                })
                .collect();
            probe::set_value("expected_finished", json!(fits));
            probe::set_value("accepted_after_signal", 0);
            let ctrl_c = probe::spawn("ctrl-c", async move {
                sleep_until(signal_at).await;
                probe::mark("Ctrl-C: shut down");
            });
            let requests = Requests {
                next_id: 1,
                start,
                unit: ctx.unit,
                log: log.clone(),
            };
            serve(requests, Signal::at(signal_at)).await;
            let returned = Instant::now();
            let finished: Vec<u32> = {
                let log = log.lock().unwrap();
                log.completed.intersection(&fits).copied().collect()
            };
            if Instant::now() < signal_at {
                ctrl_c.abort(); // returned before Ctrl-C came
            }
            let _ = ctrl_c.await;
            probe::set_value("finished", json!(finished));
            let drain = returned.saturating_duration_since(signal_at);
            probe::set_value(
                "drain_units",
                (drain.as_secs_f64() / ctx.unit.as_secs_f64() * 1000.0)
                    .round()
                    / 1000.0,
            );
            probe::set_value(
                "drained_by_deadline",
                returned <= deadline_at,
            );
        })
    });
}
