//! A correct alternative for `worker_pool`: five workers spawned with `tokio::spawn`, their
//! handles awaited one by one once the channel is closed.

use asyncscope::exercise::kits::worker_pool::{channel, process, run};
use std::sync::Arc;
use tokio::sync::Mutex;

async fn worker_pool(jobs: Vec<u32>) {
    let (tx, rx) = channel(5);
    let rx = Arc::new(Mutex::new(rx));
    let workers: Vec<_> = (0..5)
        .map(|_| {
            let rx = rx.clone();
            tokio::spawn(async move {
                while let Some(id) = {
                    let mut rx = rx.lock().await;
                    rx.recv().await
                } {
                    process(id).await;
                }
            })
        })
        .collect();
    for id in jobs {
        tx.send(id).await.expect("the workers are gone");
    }
    drop(tx);
    for worker in workers {
        worker.await.expect("a worker panicked");
    }
}

fn main() {
    run(worker_pool);
}
