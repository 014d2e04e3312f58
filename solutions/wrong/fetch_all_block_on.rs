//! Wrong: `block_on` inside async: it blocks the runtime thread until the page arrives, but
//! the page's timer needs that very thread to fire, so it never does.

use asyncscope::exercise::kits::fetch_all::{fetch_page, run};

async fn fetch_all(ids: Vec<u32>) -> Vec<String> {
    ids.into_iter()
        .map(|id| futures::executor::block_on(fetch_page(id)))
        .collect()
}

fn main() {
    run(fetch_all);
}
