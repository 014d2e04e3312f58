//! A 3u call under three timeouts: 2.5u, 1.5u, 4.0u.

use super::{Ctx, KnobKind, KnobSpec, Knobs, Scenario, current_thread};
use crate::probe;
use tokio::time::{Instant, sleep, timeout};

pub fn scenario() -> Scenario {
    let units = |name, default, help| KnobSpec {
        name,
        kind: KnobKind::Float {
            min: 0.0,
            max: 20.0,
        },
        default,
        help,
    };
    Scenario {
        id: "timeouts",
        title: "Timeouts: cancellation is dropping the future",
        summary: "A call that needs 3u is made three times, one after another, under \
                  timeouts of 2.5u, 1.5u and 4u: timeout, timeout, success, 7u in all. A \
                  timed-out call is aborted at its deadline: its future is dropped where it \
                  waits, and everything it owned (here a guard) is dropped with it.",
        knobs: vec![
            units(
                "call",
                "3",
                "how long the call needs to finish, in units",
            ),
            units("t1", "2.5", "the first call's timeout, in units"),
            units("t2", "1.5", "the second call's timeout, in units"),
            units("t3", "4", "the third call's timeout, in units"),
        ],
        limit_units: 100.0,
        flavor: current_thread,
        run: |ctx, knobs| Box::pin(run(ctx, knobs)),
    }
}

// lesson:start timeouts
/// Something the call holds (a connection, a permit): dropped when the
/// call ends, however it ends.
struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        probe::mark("guard dropped");
    }
}

async fn slow_call(ctx: Ctx, units: f64) -> &'static str {
    let _guard = Guard;
    sleep(ctx.u(units)).await; // a timeout drops the future right here
    probe::mark("call finished");
    "success"
}

/// Run the call as its own task and give up on it after `limit` units.
async fn call_with_timeout(
    ctx: Ctx,
    name: &str,
    units: f64,
    limit: f64,
) -> &'static str {
    let mut call = probe::spawn(name, slow_call(ctx.clone(), units));
    match timeout(ctx.u(limit), &mut call).await {
        Ok(result) => result.unwrap(),
        Err(_elapsed) => {
            // The timeout stopped our waiting, not the task: abort it. Its
            // future is dropped at its await, and the guard with it.
            probe::mark("timeout!");
            call.abort();
            let _ = call.await;
            "timeout"
        }
    }
}
// lesson:end timeouts

async fn run(ctx: Ctx, knobs: Knobs) {
    let start = Instant::now();
    let units = knobs.float("call");
    let mut results = Vec::new();
    for (i, limit) in ["t1", "t2", "t3"].into_iter().enumerate() {
        let name = format!("call-{}", i + 1);
        let limit = knobs.float(limit);
        results.push(
            call_with_timeout(ctx.clone(), &name, units, limit).await,
        );
    }
    let total = start.elapsed().as_secs_f64() / ctx.unit.as_secs_f64();
    probe::set_value("total_units", (total * 1000.0).round() / 1000.0);
    probe::set_value("results", results);
}
