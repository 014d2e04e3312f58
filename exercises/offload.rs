use asyncscope::exercise::kits::offload::{hash_block, run};

async fn hash_all(blocks: Vec<u64>) -> Vec<u64> {
    let jobs = blocks
        .into_iter()
        .map(|block| tokio::task::spawn_blocking(move || hash_block(block)));
    futures::future::join_all(jobs)
        .await
        .into_iter()
        .map(|hash| hash.expect("a hashing job panicked"))
        .collect()
}

fn main() {
    run(hash_all);
}
