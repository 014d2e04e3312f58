//! A circuit breaker: closed → open → half-open → closed, in front of a service with an outage.
//!
//! A client calls every 0.5u. The service fails every call during its outage (the first
//! `outage` units). After `threshold` failures in a row the breaker opens: calls are refused at
//! once, without reaching the service. `cooldown` units later the next call is let through as a
//! trial (half-open): success closes the breaker, failure opens it again. Calls are instant, so
//! every transition happens exactly at a call's tick.

use super::{Ctx, KnobKind, KnobSpec, Knobs, Scenario, current_thread};
use crate::probe;
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::time::{Instant, interval};

pub fn scenario() -> Scenario {
    Scenario {
        id: "breaker",
        title: "A circuit breaker: closed, open, half-open",
        summary: "A service is down for its first 3u; a client calls it every 0.5u. After 3 \
                  failures in a row the breaker opens and refuses calls for 2u without bothering \
                  the service; then one trial call decides: success closes it, failure reopens it.",
        knobs: vec![
            KnobSpec {
                name: "outage",
                kind: KnobKind::Float {
                    min: 0.0,
                    max: 20.0,
                },
                default: "3",
                help: "how long the service fails every call, from the start, in units",
            },
            KnobSpec {
                name: "calls",
                kind: KnobKind::Int { min: 1, max: 40 },
                default: "16",
                help: "how many calls the client makes, one every 0.5u",
            },
            KnobSpec {
                name: "threshold",
                kind: KnobKind::Int { min: 1, max: 10 },
                default: "3",
                help: "failures in a row that open the breaker",
            },
            KnobSpec {
                name: "cooldown",
                kind: KnobKind::Float {
                    min: 0.5,
                    max: 10.0,
                },
                default: "2",
                help: "how long the breaker stays open before a trial call, in units",
            },
        ],
        limit_units: 60.0,
        flavor: current_thread,
        run: |ctx, knobs| Box::pin(run(ctx, knobs)),
    }
}

// lesson:start breaker
#[derive(Clone, Copy, Debug, PartialEq)]
enum State {
    Closed,
    Open,
    HalfOpen,
}

struct Breaker {
    state: State,
    failures: u32, // failures in a row
    opened_at: Instant,
    threshold: u32,
    cooldown: Duration,
    log: Vec<(Instant, State)>, // every change of state
}

impl Breaker {
    /// May a call go through at `now`?
    /// Once cooled down, an open breaker lets one trial through.
    fn allow(&mut self, now: Instant) -> bool {
        if self.state == State::Open
            && now - self.opened_at >= self.cooldown
        {
            self.set(now, State::HalfOpen); // this call is the trial
        }
        // Refused at once: the failing service is left alone.
        self.state != State::Open
    }

    /// Count the outcome of a call that went through.
    fn record(&mut self, now: Instant, ok: bool) {
        self.failures = if ok { 0 } else { self.failures + 1 };
        if ok {
            self.set(now, State::Closed);
        } else if self.state == State::HalfOpen
            || self.failures >= self.threshold
        {
            // The trial failed, or too many failures in a row.
            self.opened_at = now;
            self.set(now, State::Open);
        }
    }

    fn set(&mut self, now: Instant, next: State) {
        if next != self.state {
            probe::mark(&format!("breaker {next:?}"));
            self.log.push((now, next));
            self.state = next;
        }
    }
}
// lesson:end breaker

type Reply = Result<(), &'static str>;

/// The service, a task of its own: fails every request during its first `outage`, and returns
/// when each request reached it.
async fn service(
    mut requests: probe::Receiver<(u64, oneshot::Sender<Reply>)>,
    start: Instant,
    outage: Duration,
    unit: f64,
) -> Vec<f64> {
    let mut reached = Vec::new();
    while let Some((call, reply)) = requests.recv().await {
        reached.push(units(start.elapsed(), unit));
        let result = if start.elapsed() < outage {
            Err("503")
        } else {
            Ok(())
        };
        probe::mark(&format!(
            "call {call}: {}",
            result.err().unwrap_or("ok")
        ));
        let _ = reply.send(result);
    }
    reached
}

async fn run(ctx: Ctx, knobs: Knobs) {
    let calls = knobs.int("calls") as u64;
    let outage = ctx.u(knobs.float("outage"));
    let unit = ctx.unit.as_secs_f64();
    let start = Instant::now();
    let mut breaker = Breaker {
        state: State::Closed,
        failures: 0,
        opened_at: start,
        threshold: knobs.int("threshold") as u32,
        cooldown: ctx.u(knobs.float("cooldown")),
        log: Vec::new(),
    };
    let (requests, inbox) = probe::channel("requests", 1);
    let server =
        probe::spawn("service", service(inbox, start, outage, unit));
    let client = probe::spawn("client", async move {
        let mut ticks = interval(ctx.u(0.5));
        let mut rejected = 0u64;
        for call in 1..=calls {
            let now = ticks.tick().await; // when this call was due
            if !breaker.allow(now) {
                probe::mark(&format!("call {call}: refused, breaker open"));
                rejected += 1;
                continue;
            }
            let (reply, answer) = oneshot::channel();
            let ok = requests.send((call, reply)).await.is_ok()
                && answer.await.is_ok_and(|r: Reply| r.is_ok());
            breaker.record(now, ok);
        }
        let transitions: Vec<serde_json::Value> = breaker
            .log
            .iter()
            .map(|(at, state)| {
                serde_json::json!([
                    units(*at - start, unit),
                    state_name(*state)
                ])
            })
            .collect();
        (transitions, rejected)
    }); // dropping `requests` here lets the service stop
    let (transitions, rejected) = client.await.unwrap();
    let reached = server.await.unwrap();
    probe::set_value("transitions", transitions);
    probe::set_value("rejected", rejected);
    probe::set_value("reached_service", reached.len() as u64);
    probe::set_value("service_calls_at", reached);
}

fn state_name(state: State) -> &'static str {
    match state {
        State::Closed => "closed",
        State::Open => "open",
        State::HalfOpen => "half-open",
    }
}

fn units(d: Duration, unit: f64) -> f64 {
    (d.as_secs_f64() / unit * 1000.0).round() / 1000.0
}
