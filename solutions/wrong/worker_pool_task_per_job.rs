//! Wrong: a task per job is not a pool: all twenty jobs are processed at once.

use asyncscope::exercise::kits::worker_pool::{process, run};
use tokio::task::JoinSet;

async fn worker_pool(jobs: Vec<u32>) {
    let mut workers = JoinSet::new();
    for id in jobs {
        workers.spawn(process(id));
    }
    workers.join_all().await;
}

fn main() {
    run(worker_pool);
}
