//! Three mirrors: results as they finish, in the order asked, or the first
//! one only.

use super::{Ctx, KnobKind, KnobSpec, Knobs, Scenario, current_thread};
use crate::probe;
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep};

pub fn scenario() -> Scenario {
    let mirror = |name, default, help| KnobSpec {
        name,
        kind: KnobKind::Float {
            min: 0.0,
            max: 20.0,
        },
        default,
        help,
    };
    Scenario {
        id: "select-race",
        title: "As they finish, in order, or first wins",
        summary: "Three mirrors answer in 3u (a), 1u (b) and 2u (c). join_next hands the \
                  answers back as they arrive: b, c, a. Awaiting the handles one by one gives \
                  a, b, c, though b was ready long before. select! takes the first answer, b at \
                  1u, and the two slower mirrors are cancelled.",
        knobs: vec![
            KnobSpec {
                name: "mode",
                kind: KnobKind::Choice(&[
                    "select",
                    "join-next",
                    "in-order",
                ]),
                default: "select",
                help: "take the first answer and cancel the rest, take every answer as it \
                       arrives, or await the mirrors in the order they were asked",
            },
            mirror("a", "3", "how long mirror-a takes to answer, in units"),
            mirror("b", "1", "how long mirror-b takes to answer, in units"),
            mirror("c", "2", "how long mirror-c takes to answer, in units"),
        ],
        limit_units: 100.0,
        flavor: current_thread,
        run: |ctx, knobs| Box::pin(run(ctx, knobs)),
    }
}

/// Three mirrors, each with how long it takes to answer.
type Mirrors = [(&'static str, f64); 3];

// lesson:start select-race
async fn ask(ctx: Ctx, mirror: &'static str, units: f64) -> &'static str {
    sleep(ctx.u(units)).await; // waiting for the mirror's reply
    mirror
}

/// Every answer, as they arrive (asyncio.as_completed).
async fn as_they_finish(ctx: Ctx, mirrors: Mirrors) -> Vec<&'static str> {
    let mut set = JoinSet::new();
    for (name, units) in mirrors {
        probe::spawn_in(&mut set, name, ask(ctx.clone(), name, units));
    }
    let mut arrived = Vec::new();
    while let Some(answer) = set.join_next().await {
        arrived.push(answer.unwrap());
    }
    arrived
}

/// Every answer, in the order asked: a slow first one holds up the rest.
async fn in_order(ctx: Ctx, mirrors: Mirrors) -> Vec<&'static str> {
    let handles =
        mirrors.map(|(n, u)| probe::spawn(n, ask(ctx.clone(), n, u)));
    let mut arrived = Vec::new();
    for handle in handles {
        arrived.push(handle.await.unwrap());
    }
    arrived
}

/// The first answer wins; the slower mirrors are cancelled.
async fn first_wins(ctx: Ctx, mirrors: Mirrors) -> &'static str {
    let [mut a, mut b, mut c] =
        mirrors.map(|(n, u)| probe::spawn(n, ask(ctx.clone(), n, u)));
    let (winner, losers) = tokio::select! {
        Ok(name) = &mut a => (name, [b, c]),
        Ok(name) = &mut b => (name, [a, c]),
        Ok(name) = &mut c => (name, [a, b]),
    };
    // Dropping a JoinHandle only lets go of its task: abort the losers.
    for loser in losers {
        loser.abort();
        let _ = loser.await; // Err(cancelled), once it is gone
    }
    winner
}
// lesson:end select-race

async fn run(ctx: Ctx, knobs: Knobs) {
    let start = Instant::now();
    let mirrors = [
        ("mirror-a", knobs.float("a")),
        ("mirror-b", knobs.float("b")),
        ("mirror-c", knobs.float("c")),
    ];
    match knobs.choice("mode") {
        "select" => {
            let winner = first_wins(ctx.clone(), mirrors).await;
            probe::mark(&format!("{winner} won; the others are gone"));
            probe::set_value("winner", winner);
        }
        "join-next" => {
            let order = as_they_finish(ctx.clone(), mirrors).await;
            probe::set_value("arrival_order", order);
        }
        _ => {
            let order = in_order(ctx.clone(), mirrors).await;
            probe::set_value("arrival_order", order);
        }
    }
    let total = start.elapsed().as_secs_f64() / ctx.unit.as_secs_f64();
    probe::set_value("total_units", (total * 1000.0).round() / 1000.0);
}
