//! Exercise `worker_pool` — after lesson 09, "Queues and backpressure".
//!
//! Process twenty jobs (`process(id)` takes 0.4u to 1.6u, different on every run) with a pool
//! of 5 workers: send the jobs into a channel, let 5 worker tasks take them from it, and close
//! the channel when every job is sent so the workers stop. Each job must be processed exactly
//! once, 5 at a time (a worker takes the next job as soon as it is free), and every worker
//! must have ended when `worker_pool` returns.
//! `channel(capacity)` (from the kit) is a bounded mpsc channel whose waits show on your
//! timeline; `tokio::sync::mpsc` works too.
//!
//! Check it: `asyncscope check worker_pool` (or keep `asyncscope watch` running).

use asyncscope::exercise::kits::worker_pool::{process, run};

async fn worker_pool(jobs: Vec<u32>) {
    // TODO: one job at a time. Start 5 workers that share a channel of jobs instead.
    for id in jobs {
        process(id).await;
    }
}

fn main() {
    run(worker_pool);
}
