//! Reference solution for `dashboard`.

use asyncscope::exercise::kits::dashboard::{fetch, run};

async fn dashboard(sources: Vec<&'static str>) -> Vec<String> {
    // join_all waits for every fetch and keeps each Result in its slot: an
    // error is one more value (asyncio's gather(return_exceptions=True)).
    let results =
        futures::future::join_all(sources.into_iter().map(fetch)).await;
    results
        .into_iter()
        .map(|result| match result {
            Ok(value) => value,
            Err(error) => error,
        })
        .collect()
}

fn main() {
    run(dashboard);
}
