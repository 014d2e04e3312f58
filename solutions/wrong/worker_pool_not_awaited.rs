//! Wrong: the workers are spawned and never awaited: `worker_pool` returns while jobs are
//! still queued, so they are never processed.

use asyncscope::exercise::kits::worker_pool::{channel, process, run};
use std::sync::Arc;
use tokio::sync::Mutex;

async fn worker_pool(jobs: Vec<u32>) {
    let (tx, rx) = channel(5);
    let rx = Arc::new(Mutex::new(rx));
    for _ in 0..5 {
        let rx = rx.clone();
        tokio::spawn(async move {
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
}

fn main() {
    run(worker_pool);
}
