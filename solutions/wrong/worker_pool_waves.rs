//! Wrong: no pool at all: the jobs in fixed waves of five, each wave waiting for its slowest
//! job while the other four slots stand idle.

use asyncscope::exercise::kits::worker_pool::{process, run};

async fn worker_pool(jobs: Vec<u32>) {
    for wave in jobs.chunks(5) {
        futures::future::join_all(wave.iter().map(|&id| process(id))).await;
    }
}

fn main() {
    run(worker_pool);
}
