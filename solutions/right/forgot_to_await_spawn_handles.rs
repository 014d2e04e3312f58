//! A correct alternative for `forgot_to_await`: spawn every job, keep the handles, and await
//! each one.

use asyncscope::exercise::kits::forgot_to_await::{Ledger, run};

async fn run_jobs(ledger: Ledger, n: u32) {
    let handles: Vec<_> = (1..=n)
        .map(|i| tokio::spawn(ledger.clone().job(i)))
        .collect();
    for handle in handles {
        handle.await.expect("a job panicked");
    }
}

fn main() {
    run(run_jobs);
}
