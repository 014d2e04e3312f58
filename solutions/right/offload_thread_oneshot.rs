//! A correct alternative for `offload`: the hashing on a plain `std::thread`, its result
//! awaited through a `tokio::sync::oneshot` (the runtime thread only waits on the channel).

use asyncscope::exercise::kits::offload::{hash_block, run};

async fn hash_all(blocks: Vec<u64>) -> Vec<u64> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let _ = tx.send(blocks.into_iter().map(hash_block).collect());
    });
    rx.await.expect("the hashing thread panicked")
}

fn main() {
    run(hash_all);
}
