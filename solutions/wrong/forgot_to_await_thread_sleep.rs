//! Wrong: waits for the jobs with `std::thread::sleep`, which blocks the runtime thread: the
//! spawned jobs cannot run while it sleeps.

use asyncscope::exercise::kits::forgot_to_await::{Ledger, run};
use std::time::Duration;

async fn run_jobs(ledger: Ledger, n: u32) {
    for i in 1..=n {
        tokio::spawn(ledger.clone().job(i));
    }
    std::thread::sleep(Duration::from_secs(30));
}

fn main() {
    run(run_jobs);
}
