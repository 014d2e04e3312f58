//! Breakfast: coffee and toast, one after another or together.

use super::{Ctx, KnobKind, KnobSpec, Knobs, Scenario, current_thread};
use crate::probe;
use tokio::time::{Instant, sleep};

pub fn scenario() -> Scenario {
    Scenario {
        id: "breakfast",
        title: "Breakfast: waiting one after another or together",
        summary: "Coffee brews for 3u and toast browns for 2u. Made one after another they take \
                  5u; started together they take as long as the slowest, 3u.",
        knobs: vec![
            KnobSpec {
                name: "mode",
                kind: KnobKind::Choice(&["together", "sequential"]),
                default: "together",
                help: "start both at once, or wait for the coffee before starting the toast",
            },
            KnobSpec {
                name: "coffee",
                kind: KnobKind::Float {
                    min: 0.0,
                    max: 20.0,
                },
                default: "3",
                help: "how long the coffee brews, in units",
            },
            KnobSpec {
                name: "toast",
                kind: KnobKind::Float {
                    min: 0.0,
                    max: 20.0,
                },
                default: "2",
                help: "how long the toast browns, in units",
            },
        ],
        limit_units: 60.0,
        flavor: current_thread,
        run: |ctx, knobs| Box::pin(run(ctx, knobs)),
    }
}

// lesson:start breakfast
async fn make(ctx: Ctx, item: &'static str, units: f64) -> &'static str {
    probe::mark(&format!("{item}: start"));
    sleep(ctx.u(units)).await; // waiting, not working: the thread is free
    probe::mark(&format!("{item}: ready"));
    item
}

async fn run(ctx: Ctx, knobs: Knobs) {
    let (coffee, toast) = (knobs.float("coffee"), knobs.float("toast"));
    let start = Instant::now();
    let mut finished = Vec::new();
    if knobs.choice("mode") == "sequential" {
        // Each await finishes before the next line starts.
        finished.push(
            probe::spawn("coffee", make(ctx.clone(), "coffee", coffee))
                .await
                .unwrap(),
        );
        finished.push(
            probe::spawn("toast", make(ctx.clone(), "toast", toast))
                .await
                .unwrap(),
        );
    } else {
        // Both start now; the JoinSet hands them back as they finish.
        let mut set = tokio::task::JoinSet::new();
        probe::spawn_in(
            &mut set,
            "coffee",
            make(ctx.clone(), "coffee", coffee),
        );
        probe::spawn_in(
            &mut set,
            "toast",
            make(ctx.clone(), "toast", toast),
        );
        while let Some(item) = set.join_next().await {
            finished.push(item.unwrap());
        }
    }
    // lesson:end breakfast
    let total = start.elapsed().as_secs_f64() / ctx.unit.as_secs_f64();
    probe::set_value("total_units", (total * 1000.0).round() / 1000.0);
    probe::set_value("finish_order", finished);
}
