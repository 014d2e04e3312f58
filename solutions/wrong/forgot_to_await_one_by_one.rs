//! Wrong: every job runs, but one after another.

use asyncscope::exercise::kits::forgot_to_await::{Ledger, run};

async fn run_jobs(ledger: Ledger, n: u32) {
    for i in 1..=n {
        ledger.clone().job(i).await;
    }
}

fn main() {
    run(run_jobs);
}
