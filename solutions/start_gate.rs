//! Reference solution for `start_gate`.

use asyncscope::exercise::kits::start_gate::{Runner, StartSignal, run};
use tokio::sync::watch;
use tokio::task::JoinSet;

async fn start_gate(runners: Vec<Runner>, signal: StartSignal) {
    // Like asyncio.Event: once set it stays set, so a late runner goes straight through.
    let (go_tx, go_rx) = watch::channel(false);
    let mut race = JoinSet::new();
    for runner in runners {
        let mut go = go_rx.clone();
        race.spawn(async move {
            let runner = runner.get_ready().await;
            go.wait_for(|go| *go).await.expect("the starter is gone");
            runner.start().await;
        });
    }
    signal.fired().await;
    go_tx.send_replace(true);
    race.join_all().await;
}

fn main() {
    run(start_gate);
}
