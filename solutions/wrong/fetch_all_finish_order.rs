//! Wrong: concurrent, but the pages come back in the order they finish.

use asyncscope::exercise::kits::fetch_all::{fetch_page, run};

async fn fetch_all(ids: Vec<u32>) -> Vec<String> {
    let mut set = tokio::task::JoinSet::new();
    for id in ids {
        set.spawn(fetch_page(id));
    }
    set.join_all().await
}

fn main() {
    run(fetch_all);
}
