//! Wrong: a broadcast channel hands every job to every worker, so each job is processed five
//! times.

use asyncscope::exercise::kits::worker_pool::{process, run};
use tokio::sync::broadcast;
use tokio::task::JoinSet;

async fn worker_pool(jobs: Vec<u32>) {
    let (tx, _) = broadcast::channel(32);
    let mut workers = JoinSet::new();
    for _ in 0..5 {
        let mut rx = tx.subscribe();
        workers.spawn(async move {
            while let Ok(id) = rx.recv().await {
                process(id).await;
            }
        });
    }
    for id in jobs {
        tx.send(id).expect("the workers are gone");
    }
    drop(tx);
    workers.join_all().await;
}

fn main() {
    run(worker_pool);
}
