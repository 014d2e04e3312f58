//! A correct alternative for `fetch_all`: a `JoinSet` hands the pages back as they arrive,
//! each with its position, and they are put back in order.

use asyncscope::exercise::kits::fetch_all::{fetch_page, run};
use tokio::task::JoinSet;

async fn fetch_all(ids: Vec<u32>) -> Vec<String> {
    let mut set = JoinSet::new();
    for (i, id) in ids.into_iter().enumerate() {
        set.spawn(async move { (i, fetch_page(id).await) });
    }
    let mut pages = set.join_all().await;
    pages.sort_by_key(|(i, _)| *i);
    pages.into_iter().map(|(_, page)| page).collect()
}

fn main() {
    run(fetch_all);
}
