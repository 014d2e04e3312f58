//! Wrong: one `None` end marker for five workers: the first to read it stops, the other four
//! wait for a marker that never comes.

use asyncscope::exercise::kits::worker_pool::{channel, process, run};
use std::sync::Arc;
use tokio::sync::Mutex;
use tokio::task::JoinSet;

async fn worker_pool(jobs: Vec<u32>) {
    let (tx, rx) = channel::<Option<u32>>(5);
    let rx = Arc::new(Mutex::new(rx));
    let mut workers = JoinSet::new();
    for _ in 0..5 {
        let rx = rx.clone();
        workers.spawn(async move {
            loop {
                let next = rx.lock().await.recv().await;
                let Some(Some(id)) = next else { break };
                process(id).await;
            }
        });
    }
    for id in jobs {
        tx.send(Some(id)).await.expect("the workers are gone");
    }
    tx.send(None).await.expect("the workers are gone");
    workers.join_all().await;
}

fn main() {
    run(worker_pool);
}
