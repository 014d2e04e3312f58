//! Wrong: sends every job before starting the workers: the queue holds 5, so `main` waits
//! forever to send the sixth, with the receiver still in its own hands.

use asyncscope::exercise::kits::worker_pool::{channel, process, run};
use std::sync::Arc;
use tokio::sync::Mutex;
use tokio::task::JoinSet;

async fn worker_pool(jobs: Vec<u32>) {
    let (tx, rx) = channel(5);
    for id in jobs {
        tx.send(id).await.expect("the workers are gone");
    }
    drop(tx);
    let rx = Arc::new(Mutex::new(rx));
    let mut workers = JoinSet::new();
    for _ in 0..5 {
        let rx = rx.clone();
        workers.spawn(async move {
            loop {
                let next = rx.lock().await.recv().await;
                let Some(id) = next else { break };
                process(id).await;
            }
        });
    }
    workers.join_all().await;
}

fn main() {
    run(worker_pool);
}
