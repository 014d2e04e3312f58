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
#[derive(Clone, Copy, PartialEq)]
enum State {
    Closed { failures: u32 },
    Open { until: Instant },
    HalfOpen,
}

struct Breaker {
    state: State,
    threshold: u32,
    cooldown: Duration,
    log: Vec<(Instant, &'static str)>, // every state change, for the timeline
}

impl Breaker {
    /// May a call go through at `now`? Once cooled down, an open breaker lets one trial through.
    fn allow(&mut self, now: Instant) -> bool {
        match self.state {
            State::Open { until } if now < until => false, // refused: the service is spared
            State::Open { .. } => {
                self.set(now, State::HalfOpen); // cooled down: this call is the trial
                true
            }
            State::Closed { .. } | State::HalfOpen => true,
        }
    }

    /// Count the outcome of a call that went through.
    fn record(&mut self, now: Instant, ok: bool) {
        let next = match self.state {
            _ if ok => State::Closed { failures: 0 },
            State::Closed { failures } if failures + 1 < self.threshold => State::Closed {
                failures: failures + 1,
            },
            _ => State::Open {
                until: now + self.cooldown, // threshold reached, or the trial failed
            },
        };
        self.set(now, next);
    }

    fn set(&mut self, now: Instant, next: State) {
        if name(self.state) != name(next) {
            probe::mark(&format!("breaker {}", name(next)));
            self.log.push((now, name(next)));
        }
        self.state = next;
    }
}

fn name(state: State) -> &'static str {
    match state {
        State::Closed { .. } => "closed",
        State::Open { .. } => "open",
        State::HalfOpen => "half-open",
    }
}
// lesson:end breaker

/// The service: down for the first `outage` after `start`.
async fn service(start: Instant, outage: Duration) -> Result<(), &'static str> {
    tokio::task::yield_now().await; // a real call would await the network here
    if start.elapsed() < outage {
        Err("503")
    } else {
        Ok(())
    }
}

async fn run(ctx: Ctx, knobs: Knobs) {
    let calls = knobs.int("calls");
    let outage = ctx.u(knobs.float("outage"));
    let mut breaker = Breaker {
        state: State::Closed { failures: 0 },
        threshold: knobs.int("threshold") as u32,
        cooldown: ctx.u(knobs.float("cooldown")),
        log: Vec::new(),
    };
    let unit = ctx.unit.as_secs_f64();
    let client = probe::spawn("client", async move {
        let start = Instant::now();
        let mut ticks = interval(ctx.u(0.5));
        let (mut rejected, mut reached) = (0u64, Vec::new());
        for call in 1..=calls {
            let now = ticks.tick().await; // when this call was due
            if !breaker.allow(now) {
                probe::mark(&format!("call {call}: refused"));
                rejected += 1;
                continue;
            }
            reached.push(units(now - start, unit));
            let result = service(start, outage).await;
            probe::mark(&format!("call {call}: {}", result.err().unwrap_or("ok")));
            breaker.record(now, result.is_ok());
        }
        let transitions: Vec<serde_json::Value> = breaker
            .log
            .iter()
            .map(|(at, state)| serde_json::json!([units(*at - start, unit), state]))
            .collect();
        (transitions, rejected, reached)
    });
    let (transitions, rejected, reached) = client.await.unwrap();
    probe::set_value("transitions", transitions);
    probe::set_value("rejected", rejected);
    probe::set_value("reached_service", reached.len() as u64);
    probe::set_value("service_calls_at", reached);
}

fn units(d: Duration, unit: f64) -> f64 {
    (d.as_secs_f64() / unit * 1000.0).round() / 1000.0
}
