//! Wrong: the runners look at a flag every 0.25u, so they start up to 0.25u after the signal.

use asyncscope::exercise::kits::start_gate::{Runner, StartSignal, run};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::task::JoinSet;

async fn start_gate(runners: Vec<Runner>, signal: StartSignal) {
    let go = Arc::new(AtomicBool::new(false));
    let mut race = JoinSet::new();
    for runner in runners {
        let go = go.clone();
        race.spawn(async move {
            let runner = runner.get_ready().await;
            while !go.load(Ordering::SeqCst) {
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            runner.start().await;
        });
    }
    signal.fired().await;
    go.store(true, Ordering::SeqCst);
    race.join_all().await;
}

fn main() {
    run(start_gate);
}
