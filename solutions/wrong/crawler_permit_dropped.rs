//! Wrong: `let _ = ...acquire()` does not keep the permit: it is released on that very line,
//! before the request is sent, so nothing is limited.

use asyncscope::exercise::kits::crawler::{fetch, run};
use std::sync::Arc;
use tokio::sync::Semaphore;

async fn crawl(urls: Vec<String>) -> Vec<String> {
    let permits = Arc::new(Semaphore::new(3));
    let requests = urls.into_iter().map(|url| {
        let permits = permits.clone();
        async move {
            let _ = permits.acquire().await.unwrap();
            fetch(&url).await
        }
    });
    futures::future::join_all(requests).await
}

fn main() {
    run(crawl);
}
