//! Reference solution for `worker_pool`.

use asyncscope::exercise::kits::worker_pool::{channel, process, run};
use std::sync::Arc;
use tokio::sync::Mutex;
use tokio::task::JoinSet;

async fn worker_pool(jobs: Vec<u32>) {
    let (tx, rx) = channel(5);
    // One receiver, shared by the five workers.
    let rx = Arc::new(Mutex::new(rx));
    let mut workers = JoinSet::new();
    for _ in 0..5 {
        let rx = rx.clone();
        workers.spawn(async move {
            loop {
                // The lock is held while waiting for a job, not while working on it.
                let next = rx.lock().await.recv().await;
                let Some(id) = next else { break }; // closed and empty
                process(id).await;
            }
        });
    }
    for id in jobs {
        tx.send(id).await.expect("the workers are gone");
    }
    drop(tx); // the last sender: the channel closes and the workers stop
    workers.join_all().await;
}

fn main() {
    run(worker_pool);
}
