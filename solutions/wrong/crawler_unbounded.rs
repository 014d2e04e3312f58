//! Wrong: a task per URL and no limit, so all twelve requests are in flight at once.

use asyncscope::exercise::kits::crawler::{fetch, run};
use tokio::task::JoinSet;

async fn crawl(urls: Vec<String>) -> Vec<String> {
    let mut requests = JoinSet::new();
    for url in urls {
        requests.spawn(async move { fetch(&url).await });
    }
    requests.join_all().await
}

fn main() {
    run(crawl);
}
