//! Three fetches (Database 2u, API 1.5u, Cache 0.5u): one after another,
//! or all at once.

use super::{Ctx, KnobKind, KnobSpec, Knobs, Scenario, current_thread};
use crate::probe;
use std::sync::{Arc, Mutex};
use tokio::time::{Instant, sleep};

pub fn scenario() -> Scenario {
    let duration = |name, default, help| KnobSpec {
        name,
        kind: KnobKind::Float {
            min: 0.0,
            max: 20.0,
        },
        default,
        help,
    };
    Scenario {
        id: "fetch-three",
        title: "Three fetches: one after another or concurrently",
        summary: "Fetching from a Database (2u), an API (1.5u) and a Cache (0.5u). One after \
                  another the waits add up to 4u; started together they overlap and the whole \
                  takes as long as the slowest, 2u. Together, they finish in order Cache, API, \
                  Database, yet the results come back in the order they were asked for.",
        knobs: vec![
            KnobSpec {
                name: "mode",
                kind: KnobKind::Choice(&["concurrent", "sequential"]),
                default: "concurrent",
                help: "start all three at once, or wait for each fetch before starting the next",
            },
            duration(
                "database",
                "2",
                "how long the Database takes to answer, in units",
            ),
            duration(
                "api",
                "1.5",
                "how long the API takes to answer, in units",
            ),
            duration(
                "cache",
                "0.5",
                "how long the Cache takes to answer, in units",
            ),
        ],
        limit_units: 100.0,
        flavor: current_thread,
        run: |ctx, knobs| Box::pin(run(ctx, knobs)),
    }
}

/// Who has answered so far, in the order they answered.
type Log = Arc<Mutex<Vec<&'static str>>>;

// lesson:start fetch-three
/// A simulated network call: it waits, it does not work, so the thread
/// is free meanwhile.
async fn fetch(
    ctx: Ctx,
    source: &'static str,
    units: f64,
    log: Log,
) -> String {
    probe::mark(&format!("fetching from {source}"));
    sleep(ctx.u(units)).await; // the network delay
    probe::mark(&format!("got data from {source}"));
    log.lock().unwrap().push(source); // who answered, in order
    format!("data from {source}")
}

async fn fetch_all(
    ctx: Ctx,
    sources: [(&'static str, f64); 3],
    sequential: bool,
    log: Log,
) -> Vec<String> {
    let mut results = Vec::new();
    if sequential {
        // Each fetch is awaited before the next starts: the waits add up.
        for (source, units) in sources {
            let fetch = fetch(ctx.clone(), source, units, log.clone());
            results.push(probe::spawn(source, fetch).await.unwrap());
        }
    } else {
        // Start every fetch first (like asyncio.create_task)...
        let tasks = sources.map(|(source, units)| {
            let fetch = fetch(ctx.clone(), source, units, log.clone());
            probe::spawn(source, fetch)
        });
        // ...then wait for all. Like asyncio.gather, join_all gives the
        // results in the order the tasks were started, not finished.
        for result in futures::future::join_all(tasks).await {
            results.push(result.unwrap());
        }
    }
    results
}
// lesson:end fetch-three

async fn run(ctx: Ctx, knobs: Knobs) {
    let sources = [
        ("Database", knobs.float("database")),
        ("API", knobs.float("api")),
        ("Cache", knobs.float("cache")),
    ];
    let sequential = knobs.choice("mode") == "sequential";
    let log = Log::default();
    let start = Instant::now();
    let results = fetch_all(ctx.clone(), sources, sequential, log.clone());
    let results = results.await;
    let total = start.elapsed().as_secs_f64() / ctx.unit.as_secs_f64();
    probe::set_value("total_units", (total * 1000.0).round() / 1000.0);
    probe::set_value("finish_order", log.lock().unwrap().clone());
    probe::set_value("results", results);
}
