//! One end marker for two consumers: the second waits until its own
//! timeout. Closing the channel instead tells every consumer at once.

use super::{Ctx, KnobKind, KnobSpec, Knobs, Scenario, current_thread};
use crate::probe::{self, Sender};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;
use tokio::time::{Instant, sleep, timeout};

pub fn scenario() -> Scenario {
    Scenario {
        id: "one-sentinel",
        title: "One end marker, two consumers",
        summary: "A producer queues 4 jobs and then one end marker \
                  (None) for two consumers that work 1u per job. The \
                  consumer that takes the marker stops at 2u; the other \
                  waits for a marker that never comes until its own 3u \
                  timeout, at 5u. Closing the channel instead (drop \
                  every sender) stops both at 2u.",
        knobs: vec![
            KnobSpec {
                name: "mode",
                kind: KnobKind::Choice(&["one-sentinel", "close"]),
                default: "one-sentinel",
                help: "send one None end marker (the bug), or drop the \
                       last sender to close the channel (the fix)",
            },
            KnobSpec {
                name: "timeout",
                kind: KnobKind::Float {
                    min: 0.5,
                    max: 20.0,
                },
                default: "3",
                help: "how long a consumer waits for its next job before \
                       giving up, in units",
            },
            KnobSpec {
                name: "items",
                kind: KnobKind::Int { min: 1, max: 8 },
                default: "4",
                help: "how many jobs the producer queues before it ends",
            },
        ],
        limit_units: 60.0,
        flavor: current_thread,
        run: |ctx, knobs| Box::pin(run(ctx, knobs)),
    }
}

type Jobs = Arc<Mutex<probe::Receiver<Option<u32>>>>;

// lesson:start one-sentinel
async fn producer(jobs: Sender<Option<u32>>, items: u32, marker: bool) {
    for id in 1..=items {
        jobs.send(Some(id)).await.expect("consumers are gone");
        probe::mark(&format!("queued {id}"));
    }
    if marker {
        // asyncio style: one `None` says "no more jobs"... to one reader.
        jobs.send(None).await.expect("consumers are gone");
    }
} // returning drops this sender; if it was the last, the channel closes

/// Works 1u per job; returns what made it stop.
async fn consumer(ctx: Ctx, jobs: Jobs, patience: f64) -> &'static str {
    let why = loop {
        // Like asyncio's `wait_for(queue.get(), timeout)`.
        let next = async { jobs.lock().await.recv().await };
        let id = match timeout(ctx.u(patience), next).await {
            Ok(Some(Some(id))) => id,
            Ok(Some(None)) => break "end marker", // only one can take it
            Ok(None) => break "channel closed",   // every consumer sees it
            Err(_elapsed) => break "gave up: timeout",
        };
        probe::mark(&format!("took {id}"));
        sleep(ctx.u(1.0)).await; // the work
    };
    probe::mark(why);
    why
}

async fn run(ctx: Ctx, knobs: Knobs) {
    let start = Instant::now();
    let (tx, rx) = probe::channel("jobs", 10);
    let rx: Jobs = Arc::new(Mutex::new(rx));
    let patience = knobs.float("timeout");
    let workers = [1, 2].map(|c| {
        let task = consumer(ctx.clone(), rx.clone(), patience);
        probe::spawn(&format!("consumer-{c}"), task)
    });
    let marker = knobs.choice("mode") == "one-sentinel";
    // An asyncio.Queue never closes: main keeping a sender does that here.
    let _keep_open = marker.then(|| tx.clone());
    let items = knobs.int("items") as u32;
    probe::spawn("producer", producer(tx, items, marker));
    let ends = futures::future::join_all(workers).await;
    // lesson:end one-sentinel
    let ended_by: serde_json::Map<_, _> = ends
        .into_iter()
        .enumerate()
        .map(|(i, end)| {
            let end = end.unwrap().trim_start_matches("gave up: ");
            (format!("consumer-{}", i + 1), end.into())
        })
        .collect();
    probe::set_value("ended_by", serde_json::Value::Object(ended_by));
    probe::set_value("total_units", units(&ctx, start.elapsed()));
}

/// A duration in units, rounded to 3 decimals.
fn units(ctx: &Ctx, d: Duration) -> f64 {
    let u = d.as_secs_f64() / ctx.unit.as_secs_f64();
    (u * 1000.0).round() / 1000.0
}
