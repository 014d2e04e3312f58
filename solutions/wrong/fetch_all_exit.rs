//! Wrong: calls `process::exit(0)` once the pages are in, instead of returning them: the
//! program ends before its run can be handed over.

use asyncscope::exercise::kits::fetch_all::{fetch_page, run};

async fn fetch_all(ids: Vec<u32>) -> Vec<String> {
    let pages =
        futures::future::join_all(ids.into_iter().map(fetch_page)).await;
    println!("{pages:?}");
    std::process::exit(0);
}

fn main() {
    run(fetch_all);
}
