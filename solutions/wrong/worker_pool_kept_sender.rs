//! Wrong: `tx` is still alive while the workers are awaited, so the channel never closes and
//! the workers wait for a job forever.

use asyncscope::exercise::kits::worker_pool::{channel, process, run};
use std::sync::Arc;
use tokio::sync::Mutex;
use tokio::task::JoinSet;

async fn worker_pool(jobs: Vec<u32>) {
    let (tx, rx) = channel(5);
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
    for id in jobs {
        tx.send(id).await.expect("the workers are gone");
    }
    workers.join_all().await; // tx is dropped only after this
}

fn main() {
    run(worker_pool);
}
