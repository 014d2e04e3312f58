//! Wrong: fail-fast. try_join_all stops at the stocks error and drops the
//! other fetches, so their lines are lost.

use asyncscope::exercise::kits::dashboard::{fetch, run};

async fn dashboard(sources: Vec<&'static str>) -> Vec<String> {
    match futures::future::try_join_all(sources.into_iter().map(fetch))
        .await
    {
        Ok(lines) => lines,
        Err(error) => vec![error],
    }
}

fn main() {
    run(dashboard);
}
