//! Exercise `offload` — after lesson 12, "CPU work: don't block the loop".
//!
//! Hash eight blocks with `hash_block(b)`: plain CPU work that keeps a thread busy for 50 to
//! 80 ms per block. Meanwhile a heartbeat ticks every 10 ms on the runtime thread, and it
//! must not fall behind (99 % of its ticks within 50 ms). Return the hashes in the order of
//! `blocks`.
//!
//! Check it: `asyncscope check offload` (or keep `asyncscope watch` running).

use asyncscope::exercise::kits::offload::{hash_block, run};

async fn hash_all(blocks: Vec<u64>) -> Vec<u64> {
    // TODO: this hashes on the runtime thread: nothing else runs until it is done.
    blocks.into_iter().map(hash_block).collect()
}

fn main() {
    run(hash_all);
}
