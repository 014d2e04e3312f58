//! A correct alternative for `dashboard`: `tokio::join!` over the three sources.

use asyncscope::exercise::kits::dashboard::{fetch, run};

async fn dashboard(sources: Vec<&'static str>) -> Vec<String> {
    let [a, b, c] = sources[..] else {
        panic!("the dashboard has three sources");
    };
    let (a, b, c) = tokio::join!(fetch(a), fetch(b), fetch(c));
    [a, b, c]
        .into_iter()
        .map(|r| r.unwrap_or_else(|e| e))
        .collect()
}

fn main() {
    run(dashboard);
}
