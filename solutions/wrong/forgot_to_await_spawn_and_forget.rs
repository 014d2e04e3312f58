//! Wrong: the jobs are spawned but nobody waits for them.

use asyncscope::exercise::kits::forgot_to_await::{Ledger, run};

async fn run_jobs(ledger: Ledger, n: u32) {
    for i in 1..=n {
        tokio::spawn(ledger.clone().job(i));
    }
}

fn main() {
    run(run_jobs);
}
