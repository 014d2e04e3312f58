//! Wrong: the runners spin on a flag without ever awaiting: the first ready runner holds the
//! only runtime thread, so the signal that would set the flag never gets to run.

use asyncscope::exercise::kits::start_gate::{Runner, StartSignal, run};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::task::JoinSet;

async fn start_gate(runners: Vec<Runner>, signal: StartSignal) {
    let go = Arc::new(AtomicBool::new(false));
    let mut race = JoinSet::new();
    for runner in runners {
        let go = go.clone();
        race.spawn(async move {
            let runner = runner.get_ready().await;
            while !go.load(Ordering::SeqCst) {
                std::hint::spin_loop();
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
