//! Exercise `paginate` (lesson 11): a lazy stream over a paginated API. The kit reads four
//! different amounts from it and counts the pages each read fetched.

use crate::exercise::harness::{self, Setup};
use crate::probe;
use futures::{Stream, StreamExt};
use serde_json::json;
use std::collections::BTreeMap;
use std::future::Future;
use std::panic::Location;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A stream that never ends is stopped at 30u (the four reads take 5u).
const SETUP: Setup = Setup {
    limit_units: 30.0,
    ..Setup::new("paginate")
};

/// Items per page.
pub const PAGE_SIZE: u32 = 10;

/// Items in all: pages 1 to 4 are full, page 5 holds the last 2.
pub const TOTAL: u32 = 42;

/// How much of the stream each read takes (`None`: all of it), and its name.
const READS: [(&str, Option<usize>); 4] = [
    ("first 5", Some(5)),
    ("first 10", Some(10)),
    ("first 25", Some(25)),
    ("all", None),
];

/// One page of the API's answer.
#[derive(Clone, Debug)]
pub struct Page {
    /// This page's items, in order.
    pub items: Vec<u32>,
    /// The number of the next page, or `None` if this was the last one.
    pub next: Option<u32>,
}

/// A client of the (simulated) paginated API. Cheap to clone; every clone counts its fetches in
/// the same place.
#[derive(Clone)]
pub struct Api {
    read: &'static str,
    fetched: Arc<AtomicU32>,
}

impl Api {
    /// Fetch page `number` (pages start at 1): it takes 0.5u. A page past the last one comes
    /// back empty.
    #[track_caller]
    pub fn fetch_page(
        &self,
        number: u32,
    ) -> impl Future<Output = Page> + Send + use<> {
        let called_at = Location::caller();
        let api = self.clone();
        async move {
            let count = api.fetched.fetch_add(1, Ordering::SeqCst) + 1;
            record(api.read, count);
            let wait = tokio::time::sleep(Duration::from_millis(500));
            let label = format!("fetch page {number}");
            probe::wait_on_at(&label, called_at, wait).await;
            page(number)
        }
    }
}

/// What the API answers for page `number`.
fn page(number: u32) -> Page {
    let last = TOTAL.div_ceil(PAGE_SIZE);
    if number == 0 || number > last {
        return Page {
            items: Vec::new(),
            next: None,
        };
    }
    let first = (number - 1) * PAGE_SIZE + 1;
    Page {
        items: (first..=TOTAL.min(first + PAGE_SIZE - 1)).collect(),
        next: (number < last).then_some(number + 1),
    }
}

/// Pages fetched so far, per read.
static PAGES: Mutex<BTreeMap<&str, u32>> = Mutex::new(BTreeMap::new());

/// Record that `read` has fetched `count` pages so far.
fn record(read: &'static str, count: u32) {
    let mut pages = PAGES.lock().unwrap();
    pages.insert(read, count);
    probe::set_value("pages_fetched", json!(*pages));
}

/// "items 1 to 25" when `items` is exactly 1, 2, …, n; else the list itself.
fn describe(items: &[u32]) -> serde_json::Value {
    let n = items.len() as u32;
    if n > 0 && items.iter().copied().eq(1..=n) {
        json!(format!("items 1 to {n}"))
    } else if n == 0 {
        json!("no items")
    } else {
        json!(items)
    }
}

/// Drive the learner's `items` through four reads and record what the checks need.
pub fn run<F, S>(items: F)
where
    F: Fn(Api) -> S + Send + 'static,
    S: Stream<Item = u32> + Send + 'static,
{
    harness::run(&SETUP, move |_ctx| {
        Box::pin(async move {
            let mut expected_items = serde_json::Map::new();
            let mut expected_pages = serde_json::Map::new();
            for (read, take) in READS {
                let k = take.unwrap_or(TOTAL as usize) as u32;
                let want: Vec<u32> = (1..=k).collect();
                expected_items.insert(read.into(), describe(&want));
                expected_pages
                    .insert(read.into(), json!(k.div_ceil(PAGE_SIZE)));
                record(read, 0);
            }
            probe::set_value(
                "expected_items",
                serde_json::Value::Object(expected_items),
            );
            probe::set_value(
                "expected_pages",
                serde_json::Value::Object(expected_pages),
            );
            let mut got_items = serde_json::Map::new();
            for (read, take) in READS {
                // Until the read is over: what a stream that never ends gets.
                got_items.insert(read.into(), json!("never ended"));
                probe::set_value("items", json!(got_items));
                let api = Api {
                    read,
                    fetched: Arc::new(AtomicU32::new(0)),
                };
                let stream = items(api).take(take.unwrap_or(usize::MAX));
                let got: Vec<u32> = stream.collect().await;
                got_items.insert(read.into(), describe(&got));
                probe::set_value("items", json!(got_items));
            }
        })
    });
}
