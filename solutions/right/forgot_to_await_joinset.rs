//! A correct alternative for `forgot_to_await`: the jobs in a `JoinSet`, drained to the end.

use asyncscope::exercise::kits::forgot_to_await::{Ledger, run};

async fn run_jobs(ledger: Ledger, n: u32) {
    let mut set = tokio::task::JoinSet::new();
    for i in 1..=n {
        set.spawn(ledger.clone().job(i));
    }
    set.join_all().await;
}

fn main() {
    run(run_jobs);
}
