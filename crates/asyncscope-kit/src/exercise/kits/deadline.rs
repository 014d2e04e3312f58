//! Exercise `deadline` (lesson 5): a timeout wrapper whose timed-out calls are really
//! cancelled, so the connection each call holds is given back at the deadline.

use crate::exercise::harness::{self, Setup};
use crate::probe;
use serde_json::json;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::time::Instant;

const SETUP: Setup = Setup::new("deadline");

/// The calls the kit makes, one after another: name, how long the call needs, its deadline
/// (units).
const CALLS: [(&str, f64, f64); 3] = [
    ("call-1", 2.0, 1.0),
    ("call-2", 0.5, 1.0),
    ("call-3", 2.0, 1.5),
];

/// The calls whose connection is open right now.
static OPEN: Mutex<Vec<&str>> = Mutex::new(Vec::new());
/// Every call that ever opened its connection.
static OPENED: Mutex<Vec<&str>> = Mutex::new(Vec::new());

/// The connection a call holds while it runs: given back when it is dropped, however the call
/// ends (finished, or its future dropped at the await).
struct Connection {
    call: &'static str,
}

impl Connection {
    fn open(call: &'static str) -> Connection {
        OPEN.lock().unwrap().push(call);
        OPENED.lock().unwrap().push(call);
        probe::mark(&format!("{call}: connection opened"));
        Connection { call }
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        OPEN.lock().unwrap().retain(|c| *c != self.call);
        probe::mark(&format!("{}: connection closed", self.call));
    }
}

/// A slow call to a remote service. It is a future: await it to get the reply. While it runs
/// it holds a connection, given back when the call finishes or when its future is dropped.
pub struct Call {
    inner: Pin<Box<dyn Future<Output = String> + Send>>,
}

impl Call {
    fn new(name: &'static str, units: f64) -> Call {
        Call {
            inner: Box::pin(async move {
                let _connection = Connection::open(name);
                let wait =
                    tokio::time::sleep(Duration::from_secs_f64(units));
                probe::wait_on(name, wait).await;
                format!("{name}: done")
            }),
        }
    }
}

impl Future for Call {
    type Output = String;

    fn poll(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<String> {
        self.inner.as_mut().poll(cx)
    }
}

/// What `with_deadline` returns when the call did not finish within its limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeadlineExceeded;

impl std::fmt::Display for DeadlineExceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("deadline exceeded")
    }
}

impl std::error::Error for DeadlineExceeded {}

fn rounded(units: f64) -> f64 {
    (units * 1000.0).round() / 1000.0
}

/// Drive the learner's `with_deadline` with three calls, one after another: 2u under a 1u
/// deadline, 0.5u under 1u, 2u under 1.5u. Records the results, how long each took, and how
/// many calls had given their connection back by the time `with_deadline` returned.
pub fn run<F, Fut>(with_deadline: F)
where
    F: Fn(Call, Duration) -> Fut + Send + 'static,
    Fut: Future<Output = Result<String, DeadlineExceeded>> + Send + 'static,
{
    harness::run(&SETUP, move |_ctx| {
        Box::pin(async move {
            let expected: Vec<String> = CALLS
                .iter()
                .map(|&(name, units, limit)| {
                    if units <= limit {
                        format!("{name}: done")
                    } else {
                        DeadlineExceeded.to_string()
                    }
                })
                .collect();
            let expected_took: Vec<f64> = CALLS
                .iter()
                .map(|&(_, units, limit)| rounded(units.min(limit)))
                .collect();
            probe::set_value("expected", json!(expected));
            probe::set_value("expected_took", json!(expected_took));
            let mut results = Vec::new();
            let mut took = Vec::new();
            let (mut acquired, mut released_in_time) = (0, 0);
            for (name, units, limit) in CALLS {
                let call = Call::new(name, units);
                let start = Instant::now();
                let result =
                    with_deadline(call, Duration::from_secs_f64(limit))
                        .await;
                took.push(rounded(start.elapsed().as_secs_f64()));
                results.push(match result {
                    Ok(reply) => reply,
                    Err(e) => e.to_string(),
                });
                // An aborted task is dropped the next time the scheduler gets to it.
                for _ in 0..3 {
                    tokio::task::yield_now().await;
                }
                if OPENED.lock().unwrap().contains(&name) {
                    acquired += 1;
                    if OPEN.lock().unwrap().contains(&name) {
                        probe::mark(&format!(
                            "{name}: with_deadline returned, its connection still open"
                        ));
                    } else {
                        released_in_time += 1;
                    }
                }
                probe::set_value("guards_acquired", acquired);
                probe::set_value("guards_released", released_in_time);
            }
            probe::set_value("results", json!(results));
            probe::set_value("took", json!(took));
        })
    });
}
