//! Wrong: every line is kept, but the sources are fetched one after another.

use asyncscope::exercise::kits::dashboard::{fetch, run};

async fn dashboard(sources: Vec<&'static str>) -> Vec<String> {
    let mut lines = Vec::new();
    for source in sources {
        match fetch(source).await {
            Ok(value) => lines.push(value),
            Err(error) => lines.push(error),
        }
    }
    lines
}

fn main() {
    run(dashboard);
}
