//! Reference solution for `crawler`.

use asyncscope::exercise::kits::crawler::{fetch, run};
use std::sync::Arc;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

async fn crawl(urls: Vec<String>) -> Vec<String> {
    // One semaphore, shared by every request: 3 permits, 3 in flight.
    let permits = Arc::new(Semaphore::new(3));
    let mut requests = JoinSet::new();
    for url in urls {
        // Wait for a free slot before starting the next request...
        let permit = permits.clone().acquire_owned().await.unwrap();
        requests.spawn(async move {
            let page = fetch(&url).await;
            // ...and give it back only when the response is in.
            drop(permit);
            page
        });
    }
    requests.join_all().await
}

fn main() {
    run(crawl);
}
