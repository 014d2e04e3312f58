//! Wrong: the hashing runs on its own thread, but `join()` is a blocking wait: the runtime
//! thread is stuck in it until the thread is done.

use asyncscope::exercise::kits::offload::{hash_block, run};

async fn hash_all(blocks: Vec<u64>) -> Vec<u64> {
    let worker = std::thread::spawn(move || {
        blocks.into_iter().map(hash_block).collect::<Vec<u64>>()
    });
    worker.join().expect("the hashing thread panicked")
}

fn main() {
    run(hash_all);
}
