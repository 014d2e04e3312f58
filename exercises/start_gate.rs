//! Exercise `start_gate` — after lesson 10, "Events, Notify and barriers".
//!
//! Five runners get ready at their own pace (at 0.2u, 0.6u, 1u, 1.4u, and the slowest at
//! 2.5u); the start signal fires at 2u. No runner may start before the signal, and each must
//! start the moment it is ready and the signal has fired: four at 2u, the slow one at 2.5u,
//! even though the signal is long gone by then. Get every runner ready from the start.
//!
//! Check it: `asyncscope check start_gate` (or keep `asyncscope watch` running).

use asyncscope::exercise::kits::start_gate::{Runner, StartSignal, run};
use tokio::task::JoinSet;

async fn start_gate(runners: Vec<Runner>, signal: StartSignal) {
    let mut race = JoinSet::new();
    for runner in runners {
        race.spawn(async move {
            let runner = runner.get_ready().await;
            // TODO: wait here until the start signal has fired.
            runner.start().await;
        });
    }
    signal.fired().await;
    // TODO: tell every runner to go, including one that gets ready later.
    race.join_all().await;
}

fn main() {
    run(start_gate);
}
