//! A correct alternative for `start_gate`: a semaphore with no permits is the closed gate;
//! the signal adds one permit per runner, and a runner ready later finds its permit waiting.

use asyncscope::exercise::kits::start_gate::{Runner, StartSignal, run};
use std::sync::Arc;
use tokio::sync::Semaphore;

async fn start_gate(runners: Vec<Runner>, signal: StartSignal) {
    let gate = Arc::new(Semaphore::new(0));
    let count = runners.len();
    let handles: Vec<_> = runners
        .into_iter()
        .map(|runner| {
            let gate = gate.clone();
            tokio::spawn(async move {
                let runner = runner.get_ready().await;
                gate.acquire()
                    .await
                    .expect("the gate is never closed")
                    .forget();
                runner.start().await;
            })
        })
        .collect();
    signal.fired().await;
    gate.add_permits(count);
    for handle in handles {
        handle.await.expect("a runner panicked");
    }
}

fn main() {
    run(start_gate);
}
