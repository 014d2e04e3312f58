//! A correct alternative for `fetch_all`: a task per page, awaited through its handle in the
//! order of `ids`.

use asyncscope::exercise::kits::fetch_all::{fetch_page, run};

async fn fetch_all(ids: Vec<u32>) -> Vec<String> {
    let handles: Vec<_> = ids
        .into_iter()
        .map(|id| tokio::spawn(fetch_page(id)))
        .collect();
    let mut pages = Vec::new();
    for handle in handles {
        pages.push(handle.await.expect("a fetch panicked"));
    }
    pages
}

fn main() {
    run(fetch_all);
}
