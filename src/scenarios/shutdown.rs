//! Graceful shutdown: on a Ctrl-C style signal, stop accepting, let
//! in-flight requests finish within a deadline, cancel what is left, and
//! leave no task behind.

use super::{Ctx, KnobKind, KnobSpec, Knobs, Scenario, current_thread};
use crate::probe;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::task::JoinHandle;
use tokio::time::{Instant, interval_at, sleep, timeout};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

pub fn scenario() -> Scenario {
    Scenario {
        id: "shutdown",
        title: "Graceful shutdown: stop accepting, drain, then cancel",
        summary: "A server accepts a request every 0.3u; each takes 1u. At \
                  2u a shutdown signal arrives: the acceptor stops at \
                  once, the requests in flight get 1.5u to finish, and any \
                  still running at that deadline are cancelled. Nothing is \
                  left running when the program ends.",
        knobs: vec![
            KnobSpec {
                name: "signal_at",
                kind: KnobKind::Float {
                    min: 0.0,
                    max: 20.0,
                },
                default: "2",
                help: "when the shutdown signal (Ctrl-C) arrives, in units",
            },
            KnobSpec {
                name: "job",
                kind: KnobKind::Float {
                    min: 0.0,
                    max: 10.0,
                },
                default: "1",
                help: "how long each request takes to handle, in units",
            },
            KnobSpec {
                name: "deadline",
                kind: KnobKind::Float {
                    min: 0.0,
                    max: 10.0,
                },
                default: "1.5",
                help: "how long in-flight requests may run after the \
                       signal before they are cancelled, in units",
            },
        ],
        limit_units: 60.0,
        flavor: current_thread,
        run: |ctx, knobs| Box::pin(run(ctx, knobs)),
    }
}

/// What every part of the server shares.
#[derive(Clone)]
struct Server {
    ctx: Ctx,
    /// How long a request takes.
    job: Duration,
    /// How long in-flight requests may still run after the signal.
    grace: Duration,
    /// Cancelled on the shutdown signal: stop accepting.
    stop: CancellationToken,
    /// Cancelled at the deadline: requests still running give up.
    hard_stop: CancellationToken,
    /// Counts the requests in flight, so shutdown can wait for them.
    tracker: TaskTracker,
    /// How many requests gave up at the deadline.
    gave_up: Arc<AtomicUsize>,
}

/// How many requests were accepted, and how many cancelled.
type Counts = (usize, usize);

// lesson:start shutdown
async fn request(s: Server) {
    tokio::select! {
        // Done at the very moment of the deadline: the reply is sent.
        biased;
        _ = sleep(s.job) => {} // handled: the reply is sent
        // Past the deadline: give up cleanly (roll back, reply 503...).
        _ = s.hard_stop.cancelled() => {
            s.gave_up.fetch_add(1, Ordering::Relaxed);
            probe::cancelled();
        }
    }
}

/// The server loop: a new request every 0.3u, until the shutdown signal.
async fn acceptor(s: Server) -> usize {
    let period = s.ctx.u(0.3);
    let mut arrivals = interval_at(Instant::now() + period, period);
    let mut accepted = 0;
    loop {
        tokio::select! {
            biased; // a request and the signal at once: the signal wins
            _ = s.stop.cancelled() => break,
            _ = arrivals.tick() => accepted += 1,
        }
        let work = s.tracker.track_future(request(s.clone()));
        probe::spawn(&format!("request-{accepted}"), work);
    }
    probe::mark("stopped accepting");
    accepted
}

/// On the signal: stop accepting, let requests in flight run until the
/// deadline, then cancel the rest. Returns (accepted, cancelled).
async fn shut_down(s: &Server, acceptor: JoinHandle<usize>) -> Counts {
    s.stop.cancel(); // 1. stop accepting
    let accepted = acceptor.await.unwrap();
    s.tracker.close(); // 2. no new tasks: wait() ends when they are done
    if timeout(s.grace, s.tracker.wait()).await.is_err() {
        let left = s.tracker.len(); // 3. too late: cancel the rest...
        probe::mark(&format!("deadline: cancelling {left} requests"));
        s.hard_stop.cancel();
        s.tracker.wait().await; // ...and wait until they have stopped
    }
    probe::mark("drained");
    // Counted by the requests: one that finishes in the deadline's
    // own instant was still tracked when the deadline was seen.
    (accepted, s.gave_up.load(Ordering::Relaxed))
}
// lesson:end shutdown

async fn run(ctx: Ctx, knobs: Knobs) {
    let s = Server {
        ctx: ctx.clone(),
        job: ctx.u(knobs.float("job")),
        grace: ctx.u(knobs.float("deadline")),
        stop: CancellationToken::new(),
        hard_stop: CancellationToken::new(),
        tracker: TaskTracker::new(),
        gave_up: Arc::default(),
    };
    let acceptor = probe::spawn("acceptor", acceptor(s.clone()));
    // A real server waits for `tokio::signal::ctrl_c().await` here.
    sleep(ctx.u(knobs.float("signal_at"))).await;
    probe::mark("Ctrl-C: shutting down");
    let signal = Instant::now();
    let in_flight = s.tracker.len();
    let (accepted, cancelled) = shut_down(&s, acceptor).await;
    let drain = signal.elapsed().as_secs_f64() / ctx.unit.as_secs_f64();
    probe::set_value("accepted", accepted);
    probe::set_value("in_flight_at_signal", in_flight);
    probe::set_value("finished", accepted - cancelled);
    probe::set_value("cancelled_at_deadline", cancelled);
    probe::set_value("drain_units", (drain * 1000.0).round() / 1000.0);
}
