//! Wrong: requests in fixed waves of three; each wave waits for its slowest request while
//! the other two slots stand idle.

use asyncscope::exercise::kits::crawler::{fetch, run};

async fn crawl(urls: Vec<String>) -> Vec<String> {
    let mut pages = Vec::new();
    for wave in urls.chunks(3) {
        pages.extend(
            futures::future::join_all(wave.iter().map(|u| fetch(u))).await,
        );
    }
    pages
}

fn main() {
    run(crawl);
}
