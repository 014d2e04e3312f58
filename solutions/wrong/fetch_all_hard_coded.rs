//! Wrong: returns the pages' text without fetching anything (a hard-coded answer).

use asyncscope::exercise::kits::fetch_all::run;

async fn fetch_all(ids: Vec<u32>) -> Vec<String> {
    ids.into_iter().map(|id| format!("page {id}")).collect()
}

fn main() {
    run(fetch_all);
}
