//! Exercise `start_gate` (lesson 10): five runners get ready at their own pace; none may start
//! before the start signal (2u), and each starts the moment both it is ready and the signal has
//! fired, even the one that gets ready after the signal.

use crate::exercise::harness::{self, Setup};
use crate::probe;
use serde_json::json;
use std::future::Future;
use std::panic::Location;
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::{Instant, sleep, sleep_until};

/// A gate that never opens is stopped at 20u (the race itself is over at 3.5u).
const SETUP: Setup = Setup {
    limit_units: 20.0,
    ..Setup::new("start_gate")
};

/// When the start signal fires, in units.
pub const SIGNAL_AT: f64 = 2.0;

/// How long each runner takes to get ready, in units: the last one is ready only after the
/// signal.
pub const READY_AT: [f64; 5] = [0.2, 0.6, 1.0, 1.4, 2.5];

/// How long a runner runs once started, in units.
const RUN: f64 = 1.0;

/// Each runner's start time, in units (in the order they started).
static STARTS: Mutex<Vec<(u32, f64)>> = Mutex::new(Vec::new());

/// `n` units as a duration.
fn u(n: f64) -> Duration {
    Duration::from_secs_f64(n * SETUP.unit_ms / 1000.0)
}

/// Units since `zero`, rounded to 3 decimals.
fn units(zero: Instant) -> f64 {
    let n = zero.elapsed().as_secs_f64() * 1000.0 / SETUP.unit_ms;
    (n * 1000.0).round() / 1000.0
}

/// The start signal: `fired().await` returns at 2u.
pub struct StartSignal {
    zero: Instant,
}

impl StartSignal {
    /// Wait for the signal (it fires at 2u).
    #[track_caller]
    pub fn fired(self) -> impl Future<Output = ()> + Send + 'static {
        let called_at = Location::caller();
        async move {
            let at = sleep_until(self.zero + u(SIGNAL_AT));
            probe::wait_on_at("the start signal", called_at, at).await;
            probe::mark("signal!");
        }
    }
}

/// A runner on its way to the line. `get_ready` first: only a ready runner can start.
pub struct Runner {
    pub number: u32,
    zero: Instant,
}

impl Runner {
    /// Walk to the start line: runner n takes its own time (`READY_AT`), so runners that set
    /// off at 0u are ready at 0.2u, 0.6u, 1u, 1.4u and, after the signal, 2.5u.
    #[track_caller]
    pub fn get_ready(
        self,
    ) -> impl Future<Output = ReadyRunner> + Send + 'static {
        let called_at = Location::caller();
        async move {
            let walk = sleep(u(READY_AT[(self.number - 1) as usize]));
            let label = format!("runner {} getting ready", self.number);
            probe::wait_on_at(&label, called_at, walk).await;
            probe::mark(&format!("ready: runner {}", self.number));
            ReadyRunner {
                number: self.number,
                zero: self.zero,
            }
        }
    }
}

/// A runner at the line, waiting to be told to go.
pub struct ReadyRunner {
    pub number: u32,
    zero: Instant,
}

impl ReadyRunner {
    /// Go: the runner starts (the moment is recorded) and runs for 1u.
    #[track_caller]
    pub fn start(self) -> impl Future<Output = ()> + Send + 'static {
        let called_at = Location::caller();
        async move {
            let at = units(self.zero);
            probe::mark(&format!("started: runner {}", self.number));
            let early = {
                let mut starts = STARTS.lock().unwrap();
                starts.push((self.number, at));
                starts.iter().filter(|(_, t)| *t < SIGNAL_AT).count()
            };
            probe::set_value("early_starts", json!(early));
            let run = sleep(u(RUN));
            let label = format!("runner {} running", self.number);
            probe::wait_on_at(&label, called_at, run).await;
        }
    }
}

/// Drive the learner's `start_gate` with five runners and the signal, and record what the
/// checks need.
pub fn run<F, Fut>(start_gate: F)
where
    F: FnOnce(Vec<Runner>, StartSignal) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    harness::run(&SETUP, move |_ctx| {
        Box::pin(async move {
            let zero = Instant::now();
            probe::set_value("early_starts", json!(0));
            let runners = (1..=READY_AT.len() as u32)
                .map(|number| Runner { number, zero })
                .collect();
            start_gate(runners, StartSignal { zero }).await;
            let mut starts = STARTS.lock().unwrap().clone();
            starts.sort_by_key(|(n, _)| *n);
            let starts: serde_json::Map<_, _> = starts
                .into_iter()
                .map(|(n, t)| (format!("runner {n}"), json!(t)))
                .collect();
            probe::set_value(
                "start_times",
                serde_json::Value::Object(starts),
            );
        })
    });
}
