//! Wrong: concurrent, but unwrap() on the failed source panics and takes the
//! whole dashboard down.

use asyncscope::exercise::kits::dashboard::{fetch, run};

async fn dashboard(sources: Vec<&'static str>) -> Vec<String> {
    let results =
        futures::future::join_all(sources.into_iter().map(fetch)).await;
    results.into_iter().map(Result::unwrap).collect()
}

fn main() {
    run(dashboard);
}
