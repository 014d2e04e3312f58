//! Reference solution for `offload`.

use asyncscope::exercise::kits::offload::{hash_block, run};

async fn hash_all(blocks: Vec<u64>) -> Vec<u64> {
    // The whole batch is one job on tokio's blocking pool: another thread computes, and the
    // runtime thread only awaits the JoinHandle, free to run everything else meanwhile.
    let batch = tokio::task::spawn_blocking(move || {
        blocks.into_iter().map(hash_block).collect()
    });
    batch.await.expect("the hashing job panicked")
}

fn main() {
    run(hash_all);
}
