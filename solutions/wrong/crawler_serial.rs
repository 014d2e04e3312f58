//! Wrong: within the limit, but one request at a time: two of the three slots stay empty.

use asyncscope::exercise::kits::crawler::{fetch, run};

async fn crawl(urls: Vec<String>) -> Vec<String> {
    let mut pages = Vec::new();
    for url in urls {
        pages.push(fetch(&url).await);
    }
    pages
}

fn main() {
    run(crawl);
}
