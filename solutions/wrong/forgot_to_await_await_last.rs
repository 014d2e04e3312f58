//! Wrong: spawns all five jobs but awaits only the last handle; the others may still be
//! running when `run_jobs` returns.

use asyncscope::exercise::kits::forgot_to_await::{Ledger, run};

async fn run_jobs(ledger: Ledger, n: u32) {
    let mut last = None;
    for i in 1..=n {
        last = Some(tokio::spawn(ledger.clone().job(i)));
    }
    if let Some(last) = last {
        last.await.unwrap();
    }
}

fn main() {
    run(run_jobs);
}
