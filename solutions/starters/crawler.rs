//! Exercise `crawler` — after lesson 08, "Semaphores and rate limits".
//!
//! Crawl twelve URLs. Each `fetch(url)` takes 0.4u to 1.6u (different on every run), and the
//! server accepts at most 3 requests at a time. Never have more than 3 in flight, but keep
//! all 3 slots busy: start the next request as soon as one finishes. Return one page per URL
//! (any order).
//!
//! Check it: `asyncscope check crawler` (or keep `asyncscope watch` running).

use asyncscope::exercise::kits::crawler::{fetch, run};

async fn crawl(urls: Vec<String>) -> Vec<String> {
    // TODO: this sends all twelve requests at once; the server takes 3 at a time.
    let requests = urls.iter().map(|url| fetch(url));
    futures::future::join_all(requests).await
}

fn main() {
    run(crawl);
}
