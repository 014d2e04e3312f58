//! Exercise `dashboard` — after lesson 03, "Gather: join, try_join, JoinSet".
//!
//! A dashboard shows three sources: weather (1u), news (1.5u) and stocks (0.8u), and today the
//! stocks feed fails. Fetch the three together, so the dashboard is ready in about the time of
//! the slowest source, and return one line per source, in the order of `sources`: the value,
//! or the error's text. One broken source must not hide (or crash) the others.
//!
//! Check it: `asyncscope check dashboard` (or keep `asyncscope watch` running).

use asyncscope::exercise::kits::dashboard::{fetch, run};

async fn dashboard(sources: Vec<&'static str>) -> Vec<String> {
    // TODO: one source at a time, and the first error throws away
    // every other line.
    let mut lines = Vec::new();
    for source in sources {
        match fetch(source).await {
            Ok(value) => lines.push(value),
            Err(error) => return vec![error],
        }
    }
    lines
}

fn main() {
    run(dashboard);
}
