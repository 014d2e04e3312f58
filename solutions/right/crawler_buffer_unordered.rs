//! A correct alternative for `crawler`: a stream of requests, at most 3 polled at once.

use asyncscope::exercise::kits::crawler::{fetch, run};
use futures::StreamExt;

async fn crawl(urls: Vec<String>) -> Vec<String> {
    futures::stream::iter(urls)
        .map(|url| fetch(&url))
        .buffer_unordered(3)
        .collect()
        .await
}

fn main() {
    run(crawl);
}
