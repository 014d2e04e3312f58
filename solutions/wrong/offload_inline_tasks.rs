//! Wrong: a task per block is still on the runtime thread: each hash holds it for a whole
//! poll, and the heartbeat waits.

use asyncscope::exercise::kits::offload::{hash_block, run};

async fn hash_all(blocks: Vec<u64>) -> Vec<u64> {
    let jobs = blocks
        .into_iter()
        .map(|block| tokio::spawn(async move { hash_block(block) }));
    futures::future::join_all(jobs)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect()
}

fn main() {
    run(hash_all);
}
