//! Exercise `retry` (lesson 6): retry with exponential backoff, a cap on attempts, and no retry
//! of an error that cannot get better. Three services are called at the same time, each by the
//! learner's `call_with_retry` in a task of its own: one that fails three times and then
//! answers, one that is down for good, and one that answers 404.

use crate::exercise::harness::{self, Setup};
use crate::probe;
use serde_json::json;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

const SETUP: Setup = Setup {
    // Retrying forever is stopped here.
    limit_units: 30.0,
    ..Setup::new("retry")
};

/// The wait after the first failure: 1u.
pub const BASE_DELAY: Duration = Duration::from_secs(1);
/// Each wait is this many times the one before.
pub const FACTOR: u32 = 2;
/// Attempts in all, the first one included, before giving up.
pub const MAX_ATTEMPTS: u32 = 4;

/// Why a call failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallError {
    /// 503: the service is overloaded or restarting; a later call may work.
    Unavailable,
    /// 404: what was asked for does not exist; asking again gets the same answer.
    NotFound,
}

impl CallError {
    /// Is it worth trying again?
    pub fn is_retryable(self) -> bool {
        matches!(self, CallError::Unavailable)
    }
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            CallError::Unavailable => "503 Unavailable",
            CallError::NotFound => "404 Not Found",
        })
    }
}

impl std::error::Error for CallError {}

/// A remote service. `call` answers at once, but fails the first calls in its own way.
#[derive(Clone)]
pub struct Service {
    name: &'static str,
    /// How many calls fail before it answers (`u32::MAX`: it never does).
    fail_first: u32,
    error: CallError,
    start: Instant,
    attempts_at: Arc<Mutex<Vec<f64>>>,
}

impl Service {
    /// One call to the service: `Ok` with its data, or why it failed.
    pub async fn call(&self) -> Result<String, CallError> {
        let attempt = {
            let mut at = self.attempts_at.lock().unwrap();
            at.push(units_since(self.start));
            probe::set_value(
                &format!("{}_attempts_at", self.name),
                json!(*at),
            );
            at.len() as u32
        };
        tokio::task::yield_now().await; // a real call would await the network here
        if attempt <= self.fail_first {
            probe::mark(&format!("attempt {attempt}: {}", self.error));
            Err(self.error)
        } else {
            probe::mark(&format!("attempt {attempt}: ok"));
            Ok(format!("{} data", self.name))
        }
    }
}

fn units_since(start: Instant) -> f64 {
    (start.elapsed().as_secs_f64() * 1000.0).round() / 1000.0
}

/// The attempt times a correct retry makes against a service failing its first `fail_first`
/// calls with `error`, and when it returns.
fn expected_attempts(fail_first: u32, error: CallError) -> (Vec<f64>, f64) {
    let mut at = vec![0.0];
    let mut delay = BASE_DELAY.as_secs_f64();
    let mut now = 0.0;
    while (at.len() as u32) <= fail_first
        && error.is_retryable()
        && (at.len() as u32) < MAX_ATTEMPTS
    {
        now += delay;
        delay *= f64::from(FACTOR);
        at.push(now);
    }
    (at, now)
}

fn render(result: &Result<String, CallError>) -> String {
    match result {
        Ok(data) => format!("Ok({data})"),
        Err(e) => format!("Err({e:?})"),
    }
}

/// Drive the learner's `call_with_retry` against the three services at once and record what
/// the checks need.
pub fn run<F, Fut>(call_with_retry: F)
where
    F: Fn(Service) -> Fut + Send + 'static,
    Fut: Future<Output = Result<String, CallError>> + Send + 'static,
{
    harness::run(&SETUP, move |_ctx| {
        Box::pin(async move {
            let start = Instant::now();
            let cases = [
                ("flaky", 3, CallError::Unavailable),
                ("down", u32::MAX, CallError::Unavailable),
                ("not_found", u32::MAX, CallError::NotFound),
            ];
            let mut expected_results = Vec::new();
            let mut tasks = Vec::new();
            for (name, fail_first, error) in cases {
                let (attempts, returns_at) =
                    expected_attempts(fail_first, error);
                let expected = if (attempts.len() as u32) > fail_first {
                    Ok(format!("{name} data"))
                } else {
                    Err(error)
                };
                expected_results.push(render(&expected));
                probe::set_value(
                    &format!("{name}_expected_attempts_at"),
                    json!(attempts),
                );
                probe::set_value(
                    &format!("{name}_expected_returned_at"),
                    returns_at,
                );
                let service = Service {
                    name,
                    fail_first,
                    error,
                    start,
                    attempts_at: Arc::default(),
                };
                let call = call_with_retry(service);
                tasks.push(probe::spawn(name, async move {
                    let result = call.await;
                    probe::set_value(
                        &format!("{name}_returned_at"),
                        units_since(start),
                    );
                    result
                }));
            }
            probe::set_value("expected_results", json!(expected_results));
            let mut results = Vec::new();
            for task in tasks {
                match task.await {
                    Ok(result) => results.push(render(&result)),
                    Err(_) => results.push("panicked".to_string()),
                }
            }
            probe::set_value("results", json!(results));
        })
    });
}
