//! Wrong: `notify_waiters` wakes only the runners waiting at that moment and remembers
//! nothing: the runner that gets ready at 2.5u waits forever.

use asyncscope::exercise::kits::start_gate::{Runner, StartSignal, run};
use std::sync::Arc;
use tokio::sync::Notify;
use tokio::task::JoinSet;

async fn start_gate(runners: Vec<Runner>, signal: StartSignal) {
    let go = Arc::new(Notify::new());
    let mut race = JoinSet::new();
    for runner in runners {
        let go = go.clone();
        race.spawn(async move {
            let runner = runner.get_ready().await;
            go.notified().await;
            runner.start().await;
        });
    }
    signal.fired().await;
    go.notify_waiters();
    race.join_all().await;
}

fn main() {
    run(start_gate);
}
