//! Wrong: offloaded, but collected from a JoinSet, which hands results back in the order the
//! jobs finish, not the order of the blocks.

use asyncscope::exercise::kits::offload::{hash_block, run};
use tokio::task::JoinSet;

async fn hash_all(blocks: Vec<u64>) -> Vec<u64> {
    let mut jobs = JoinSet::new();
    for block in blocks {
        jobs.spawn_blocking(move || hash_block(block));
    }
    jobs.join_all().await
}

fn main() {
    run(hash_all);
}
