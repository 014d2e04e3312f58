//! Reference solution for `first_answer`.

use asyncscope::exercise::kits::first_answer::{query, run};
use tokio::task::JoinSet;

async fn first_answer(mirrors: Vec<&'static str>) -> String {
    let mut set = JoinSet::new();
    for mirror in mirrors {
        set.spawn(query(mirror));
    }
    // join_next hands back whichever query replies first.
    let first = set.join_next().await;
    // Abort the slower queries and wait until they are gone.
    set.shutdown().await;
    match first {
        Some(Ok(reply)) => reply,
        _ => String::new(),
    }
}

fn main() {
    run(first_answer);
}
