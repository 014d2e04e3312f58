//! Producers and consumers on a bounded queue: backpressure parks a fast
//! producer.

use super::{Ctx, KnobKind, KnobSpec, Knobs, Scenario, current_thread};
use crate::probe;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;
use tokio::time::{Instant, sleep};

pub fn scenario() -> Scenario {
    Scenario {
        id: "queue",
        title: "A bounded queue: fast producer, slow consumers",
        summary: "A producer makes 12 jobs as fast as it can; two \
                  consumers need 1u per job. The queue holds 3, so the \
                  producer is parked whenever it is full and ends up \
                  going at the consumers' pace. Every job is handled \
                  once; the run takes ceil(12 / 2) × 1u = 6u.",
        knobs: vec![
            KnobSpec {
                name: "capacity",
                kind: KnobKind::Int { min: 1, max: 100 },
                default: "3",
                help: "how many jobs the queue holds before a producer \
                       has to wait",
            },
            KnobSpec {
                name: "producers",
                kind: KnobKind::Int { min: 1, max: 4 },
                default: "1",
                help: "how many producer tasks share the jobs between them",
            },
            KnobSpec {
                name: "consumers",
                kind: KnobKind::Int { min: 1, max: 8 },
                default: "2",
                help: "how many consumer tasks take jobs from the queue",
            },
            KnobSpec {
                name: "items",
                kind: KnobKind::Int { min: 1, max: 60 },
                default: "12",
                help: "how many jobs are produced in all",
            },
            KnobSpec {
                name: "work",
                kind: KnobKind::Float { min: 0.1, max: 5.0 },
                default: "1",
                help: "how long a consumer works on one job, in units",
            },
        ],
        limit_units: 400.0,
        flavor: current_thread,
        run: |ctx, knobs| Box::pin(run(ctx, knobs)),
    }
}

/// A duration in units, rounded to 3 decimals.
fn units(ctx: &Ctx, d: Duration) -> f64 {
    let u = d.as_secs_f64() / ctx.unit.as_secs_f64();
    (u * 1000.0).round() / 1000.0
}

// lesson:start queue
/// A fast producer (asyncio: `await queue.put(job)` in a loop).
async fn producer(jobs: probe::Sender<u32>, ids: Vec<u32>) {
    for id in ids {
        // A full queue parks this task until a consumer makes room.
        jobs.send(id).await.expect("every consumer is gone");
        probe::mark(&format!("queued {id}"));
    }
} // returning drops the sender; the last one dropped closes the queue

type Jobs = Arc<Mutex<probe::Receiver<u32>>>; // one receiver, shared

async fn consumer(ctx: Ctx, jobs: Jobs, work: f64) -> Vec<u32> {
    let mut handled = Vec::new();
    loop {
        // The guard drops at the end of this statement: held while waiting
        // for a job, not during the work (a `while let` would hold it).
        let next = jobs.lock().await.recv().await;
        let Some(id) = next else { break }; // closed and empty: done
        probe::mark(&format!("took {id}"));
        sleep(ctx.u(work)).await; // the slow part
        handled.push(id);
    }
    handled
}

async fn run(ctx: Ctx, knobs: Knobs) {
    let (tx, rx) = probe::channel("jobs", knobs.int("capacity") as usize);
    let rx: Jobs = Arc::new(Mutex::new(rx));
    let (items, n) = (knobs.int("items") as u32, knobs.int("producers"));
    let mut makers = Vec::new();
    for p in 1..=n as u32 {
        let ids = (p..=items).step_by(n as usize).collect(); // p, p+n, ...
        let task = producer(tx.clone(), ids);
        makers.push(probe::spawn(&format!("producer-{p}"), task));
    }
    drop(tx); // keep no sender here, or the queue would never close
    let (start, work) = (Instant::now(), knobs.float("work"));
    let mut workers = Vec::new();
    for c in 1..=knobs.int("consumers") {
        let task = consumer(ctx.clone(), rx.clone(), work);
        workers.push(probe::spawn(&format!("consumer-{c}"), task));
    }
    futures::future::join_all(makers).await; // all jobs are queued
    let producers_done = start.elapsed();
    let handled = futures::future::join_all(workers).await; // queue closed
    // lesson:end queue
    let handled: Vec<Vec<u32>> =
        handled.into_iter().map(Result::unwrap).collect();
    let mut all: Vec<u32> = handled.iter().flatten().copied().collect();
    all.sort_unstable();
    let handled_by: serde_json::Map<_, _> = handled
        .into_iter()
        .enumerate()
        .map(|(i, mine)| {
            (format!("consumer-{}", i + 1), serde_json::json!(mine))
        })
        .collect();
    probe::set_value("handled", all);
    probe::set_value("handled_by", serde_json::Value::Object(handled_by));
    probe::set_value("producers_done_at", units(&ctx, producers_done));
    probe::set_value("total_units", units(&ctx, start.elapsed()));
}
