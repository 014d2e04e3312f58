//! Cancel at 2.5u: three tasks, a deadline, cleanup on the way out.

use super::{Ctx, KnobKind, KnobSpec, Knobs, Scenario, current_thread};
use crate::probe;
use tokio::time::{Instant, sleep};
use tokio_util::sync::CancellationToken;

pub fn scenario() -> Scenario {
    Scenario {
        id: "cancel-at",
        title: "Cancelling tasks at a deadline",
        summary: "Tasks A, B and C need 3u, 5u and 2u. At 2.5u the rest are cancelled: C has \
                  finished, A and B stop. Asked politely (a token) they clean up for 0.1u first; \
                  aborted, they are dropped at their await point with no chance to clean up.",
        knobs: vec![
            KnobSpec {
                name: "cancel_at",
                kind: KnobKind::Float {
                    min: 0.0,
                    max: 20.0,
                },
                default: "2.5",
                help: "when to cancel whatever is still running, in units",
            },
            KnobSpec {
                name: "cleanup",
                kind: KnobKind::Float { min: 0.0, max: 5.0 },
                default: "0.1",
                help: "how long a cancelled task spends cleaning up, in units (token mode)",
            },
            KnobSpec {
                name: "how",
                kind: KnobKind::Choice(&["token", "abort"]),
                default: "token",
                help: "ask the tasks to stop (CancellationToken) or abort them (drop at an await)",
            },
        ],
        limit_units: 60.0,
        flavor: current_thread,
        run: |ctx, knobs| Box::pin(run(ctx, knobs)),
    }
}

// lesson:start cancel-at
async fn work(
    ctx: Ctx,
    units: f64,
    cleanup: f64,
    token: CancellationToken,
) {
    tokio::select! {
        // Both ready in one instant: without `biased;`, select!
        // picks one at random. Here the finished work counts.
        biased;
        _ = sleep(ctx.u(units)) => probe::mark("finished its work"),
        _ = token.cancelled() => {
            probe::mark("asked to stop: cleaning up");
            // No async Drop in Rust: async cleanup goes here.
            sleep(ctx.u(cleanup)).await;
            probe::cancelled();
        }
    }
}

async fn run(ctx: Ctx, knobs: Knobs) {
    let start = Instant::now();
    let token = CancellationToken::new();
    let cleanup = knobs.float("cleanup");
    let handles: Vec<_> = [("A", 3.0), ("B", 5.0), ("C", 2.0)]
        .into_iter()
        .map(|(name, units)| {
            probe::spawn(
                name,
                work(ctx.clone(), units, cleanup, token.clone()),
            )
        })
        .collect();

    sleep(ctx.u(knobs.float("cancel_at"))).await;
    probe::mark("cancel!");
    if knobs.choice("how") == "abort" {
        // Each future is dropped where it waits.
        handles.iter().for_each(|h| h.abort());
    } else {
        token.cancel(); // each task notices at its next await and cleans up
    }
    for h in handles {
        // An aborted task's JoinHandle gives Err(cancelled).
        let _ = h.await;
    }
    // lesson:end cancel-at
    let total = start.elapsed().as_secs_f64() / ctx.unit.as_secs_f64();
    probe::set_value("total_units", (total * 1000.0).round() / 1000.0);
}
