//! A correct alternative for `offload`: one blocking job per block, the handles awaited
//! together with `join_all`, which keeps their order.

use asyncscope::exercise::kits::offload::{hash_block, run};

async fn hash_all(blocks: Vec<u64>) -> Vec<u64> {
    let jobs = blocks
        .into_iter()
        .map(|b| tokio::task::spawn_blocking(move || hash_block(b)));
    futures::future::join_all(jobs)
        .await
        .into_iter()
        .map(|r| r.expect("a hashing job panicked"))
        .collect()
}

fn main() {
    run(hash_all);
}
