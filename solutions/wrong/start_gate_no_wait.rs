//! Wrong: nobody waits for the signal: each runner starts as soon as it is ready.

use asyncscope::exercise::kits::start_gate::{Runner, StartSignal, run};

async fn start_gate(runners: Vec<Runner>, signal: StartSignal) {
    let race = runners.into_iter().map(|runner| async move {
        runner.get_ready().await.start().await
    });
    futures::join!(signal.fired(), futures::future::join_all(race));
}

fn main() {
    run(start_gate);
}
