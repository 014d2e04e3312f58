//! Reference solution for `offload`.

use asyncscope::exercise::kits::offload::{hash_block, run};

async fn hash_all(blocks: Vec<u64>) -> Vec<u64> {
    // One job per block on tokio's blocking pool; the runtime thread only waits.
    let jobs = blocks.into_iter().map(|block| {
        tokio::task::spawn_blocking(move || hash_block(block))
    });
    // join_all keeps the order of the handles, whatever order the jobs finish in.
    futures::future::join_all(jobs)
        .await
        .into_iter()
        .map(|hash| hash.expect("a hashing job panicked"))
        .collect()
}

fn main() {
    run(hash_all);
}
