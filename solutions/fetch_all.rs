//! Reference solution for `fetch_all`.

use asyncscope::exercise::kits::fetch_all::{fetch_page, run};

async fn fetch_all(ids: Vec<u32>) -> Vec<String> {
    // All futures first, then wait for all of them; join_all keeps input order.
    futures::future::join_all(ids.into_iter().map(fetch_page)).await
}

fn main() {
    run(fetch_all);
}
