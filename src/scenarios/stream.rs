//! A pipeline over a lazy paginated stream: fetch pages → enrich items
//! concurrently → load in batches. Pages are fetched only when the
//! pipeline asks for their items.

use super::{Ctx, KnobKind, KnobSpec, Knobs, Scenario, current_thread};
use crate::probe;
use futures::stream::{self, Stream, StreamExt};
use std::pin::pin;
use tokio::time::{Instant, sleep};

pub fn scenario() -> Scenario {
    Scenario {
        id: "stream",
        title: "A stream pipeline: lazy pages, enrich, batch load",
        summary: "A paginated source fetches a page of 10 items (0.5u) \
                  only when asked for its first item. Each item is \
                  enriched in its own task (about 0.2u), 3 at a time, \
                  while the next page is fetched, and loaded 5 at a \
                  time. take(5) fetches one page only; buffered keeps \
                  the input order, buffer_unordered yields items as \
                  they finish.",
        knobs: vec![
            KnobSpec {
                name: "total",
                kind: KnobKind::Int { min: 1, max: 100 },
                default: "30",
                help: "how many items the source has in all",
            },
            KnobSpec {
                name: "page_size",
                kind: KnobKind::Int { min: 1, max: 50 },
                default: "10",
                help: "how many items one page fetch returns",
            },
            KnobSpec {
                name: "take",
                kind: KnobKind::Int { min: 0, max: 100 },
                default: "0",
                help: "consume only the first k items of the source \
                       (0: all of them)",
            },
            KnobSpec {
                name: "order",
                kind: KnobKind::Choice(&["buffered", "unordered"]),
                default: "buffered",
                help: "buffered(n) yields enriched items in input \
                       order; buffer_unordered(n) yields them as they \
                       finish",
            },
            KnobSpec {
                name: "concurrency",
                kind: KnobKind::Int { min: 1, max: 10 },
                default: "3",
                help: "how many items are enriched at once",
            },
        ],
        limit_units: 200.0,
        flavor: current_thread,
        run: |ctx, knobs| Box::pin(run(ctx, knobs)),
    }
}

// lesson:start stream
/// A lazy paginated source: nothing happens until someone polls it, and
/// a page is fetched only when its first item is asked for (asyncio: an
/// async generator).
fn pages(ctx: Ctx, total: u32, page_size: u32) -> impl Stream<Item = u32> {
    stream::unfold((0, ctx), move |(page, ctx)| async move {
        let first = page * page_size + 1;
        if first > total {
            return None; // no more pages
        }
        probe::mark(&format!("fetch page {}", page + 1));
        sleep(ctx.u(0.5)).await; // one request per page
        probe::set_value("pages_fetched", page + 1);
        let items = stream::iter(first..=total.min(first + page_size - 1));
        Some((items, (page + 1, ctx)))
    })
    .flatten() // a stream of pages → a stream of items
}

async fn pipeline(ctx: Ctx, knobs: Knobs, loads: probe::Sender<Vec<u32>>) {
    let total = knobs.int("total") as u32;
    let page_size = knobs.int("page_size") as u32;
    let k = knobs.int("take") as usize; // 0: all of them
    // take(k) stops asking after k items: later pages are never fetched.
    let limit = if k > 0 { k } else { usize::MAX };
    let source = pages(ctx.clone(), total, page_size).take(limit);
    // Each item is enriched in its own task, spawned when the buffer has
    // room for it.
    let tasks = source.map(|id| {
        probe::spawn(&format!("enrich-{id}"), enrich(ctx.clone(), id))
    });
    let n = knobs.int("concurrency") as usize;
    let enriched = if knobs.choice("order") == "buffered" {
        // At most n at once, handed on in input order.
        tasks.buffered(n).left_stream()
    } else {
        // At most n at once, handed on as they finish.
        tasks.buffer_unordered(n).right_stream()
    };
    // The unfold's async block is not Unpin: pin before calling next().
    let mut batches = pin!(enriched.map(|done| done.unwrap()).chunks(5));
    while let Some(batch) = batches.next().await {
        // The loader task writes it while we go on enriching.
        loads.send(batch).await.expect("the loader is gone");
    }
}
// lesson:end stream

async fn run(ctx: Ctx, knobs: Knobs) {
    let start = Instant::now();
    probe::set_value("pages_fetched", 0);
    let (tx, rx) = probe::channel("batches", 1);
    let load = probe::spawn("loader", loader(ctx.clone(), rx));
    let pipe = probe::spawn("pipeline", pipeline(ctx.clone(), knobs, tx));
    pipe.await.unwrap();
    let loaded = load.await.unwrap();
    probe::set_value("items_loaded", loaded.len());
    probe::set_value("output_order", loaded);
    let u = start.elapsed().as_secs_f64() / ctx.unit.as_secs_f64();
    probe::set_value("total_units", (u * 1000.0).round() / 1000.0);
}

/// Enriching item `id` takes 0.1u to 0.3u, about 0.2u on average.
async fn enrich(ctx: Ctx, id: u32) -> u32 {
    sleep(ctx.u([0.2, 0.3, 0.1][id as usize % 3])).await;
    id
}

/// The last stage: one bulk write per batch.
async fn loader(
    ctx: Ctx,
    mut batches: probe::Receiver<Vec<u32>>,
) -> Vec<u32> {
    let mut loaded = Vec::new();
    while let Some(batch) = batches.recv().await {
        probe::mark(&format!("load {batch:?}"));
        sleep(ctx.u(0.2)).await;
        loaded.extend(batch);
    }
    loaded
}
