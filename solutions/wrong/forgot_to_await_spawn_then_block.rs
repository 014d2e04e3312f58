//! Wrong: spawns the jobs, then blocks the runtime thread with `std::thread::sleep` instead
//! of awaiting them: the jobs cannot run until `run_jobs` has returned.

use asyncscope::exercise::kits::forgot_to_await::{Ledger, run};

async fn run_jobs(ledger: Ledger, n: u32) {
    for i in 1..=n {
        tokio::spawn(ledger.clone().job(i));
    }
    std::thread::sleep(std::time::Duration::from_millis(50));
}

fn main() {
    run(run_jobs);
}
