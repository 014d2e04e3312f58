//! Five fetches, one fails: stop at the first error, or keep every result.

use super::{Ctx, KnobKind, KnobSpec, Knobs, Scenario, current_thread};
use crate::probe;
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep};

pub fn scenario() -> Scenario {
    Scenario {
        id: "join-modes",
        title: "Gathering results: fail fast or collect everything",
        summary: "Five fetches take 1u to 5u; fetch-3 fails. Fail-fast (like try_join or \
                  asyncio.gather without return_exceptions) stops at the first error: the \
                  fetches still running are cancelled and the wait ends at 3u. Collect-all \
                  (like return_exceptions=True) keeps the error as one result among the others \
                  and waits for all five, 5u.",
        knobs: vec![
            KnobSpec {
                name: "mode",
                kind: KnobKind::Choice(&["fail-fast", "collect-all"]),
                default: "fail-fast",
                help: "cancel the rest at the first error, or keep every result and error",
            },
            KnobSpec {
                name: "fails",
                kind: KnobKind::Int { min: 0, max: 5 },
                default: "3",
                help: "which fetch fails (fetch-3 is the third); 0: none fails",
            },
            KnobSpec {
                name: "step",
                kind: KnobKind::Float { min: 0.1, max: 5.0 },
                default: "1",
                help: "how much longer each fetch takes than the one before, in units \
                       (fetch-N takes N × step)",
            },
        ],
        limit_units: 100.0,
        flavor: current_thread,
        run: |ctx, knobs| Box::pin(run(ctx, knobs)),
    }
}

// lesson:start join-modes
/// Fetch number `n`: it answers after `n × step` units, or fails.
async fn fetch(
    ctx: Ctx,
    n: usize,
    step: f64,
    fails: usize,
) -> Result<String, String> {
    sleep(ctx.u(n as f64 * step)).await;
    if n == fails {
        probe::mark("error!");
        return Err(format!("fetch-{n} failed"));
    }
    Ok(format!("page {n}"))
}

async fn gather(
    ctx: Ctx,
    step: f64,
    fails: usize,
    fail_fast: bool,
) -> Vec<String> {
    let mut set = JoinSet::new();
    for n in 1..=5 {
        let fetch = fetch(ctx.clone(), n, step, fails);
        // Each task hands back its number with its result.
        let task = async move { (n, fetch.await) };
        probe::spawn_in(&mut set, &format!("fetch-{n}"), task);
    }
    // Whatever never reports back stays "cancelled".
    let mut results = vec!["cancelled".to_string(); 5];
    // join_next hands back each task as it finishes.
    while let Some(joined) = set.join_next().await {
        let Ok((n, result)) = joined else { continue }; // an aborted task
        results[n - 1] = match result {
            Ok(page) => format!("ok: {page}"),
            Err(error) if fail_fast => {
                set.abort_all(); // like try_join: stop the rest
                format!("error: {error}")
            }
            // Like return_exceptions=True: the error is just a value.
            Err(error) => format!("error: {error}"),
        };
    }
    results
}
// lesson:end join-modes

async fn run(ctx: Ctx, knobs: Knobs) {
    let start = Instant::now();
    let fail_fast = knobs.choice("mode") == "fail-fast";
    let fails = knobs.int("fails") as usize;
    let results =
        gather(ctx.clone(), knobs.float("step"), fails, fail_fast).await;
    let total = start.elapsed().as_secs_f64() / ctx.unit.as_secs_f64();
    probe::set_value("total_units", (total * 1000.0).round() / 1000.0);
    probe::set_value("results", results);
}
