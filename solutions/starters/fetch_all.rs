//! Exercise `fetch_all` — after lesson 01, "Sync vs async".
//!
//! Fetch ten pages from a (simulated) slow network. Each `fetch_page` waits 0.5u to 1u.
//! Make the ten fetches overlap, so the whole thing takes about as long as the slowest one,
//! and return the pages in the order of `ids`.
//!
//! Check it: `asyncscope check fetch_all` (or keep `asyncscope watch` running).

use asyncscope::exercise::kits::fetch_all::{fetch_page, run};

async fn fetch_all(ids: Vec<u32>) -> Vec<String> {
    // TODO: this waits for each page before asking for the next one.
    let mut pages = Vec::new();
    for id in ids {
        pages.push(fetch_page(id).await);
    }
    pages
}

fn main() {
    run(fetch_all);
}
