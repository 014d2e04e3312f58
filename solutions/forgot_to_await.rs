//! Reference solution for `forgot_to_await`.

use asyncscope::exercise::kits::forgot_to_await::{Ledger, run};

async fn run_jobs(ledger: Ledger, n: u32) {
    futures::future::join_all((1..=n).map(|i| ledger.clone().job(i))).await;
}

fn main() {
    run(run_jobs);
}
