//! Exercise `forgot_to_await` — after lesson 02, "Tasks and the scheduler".
//!
//! `run_jobs` should run `n` jobs, all at the same time, and return when every one is done.
//! Each job waits 0.5u to 1u (different on every run), then writes itself into the ledger.
//! Right now no job ever runs.
//!
//! Check it: `asyncscope check forgot_to_await`.

use asyncscope::exercise::kits::forgot_to_await::{Ledger, run};

async fn run_jobs(ledger: Ledger, n: u32) {
    for i in 1..=n {
        // TODO: this builds each job's future, and then drops it.
        let _job = ledger.clone().job(i);
    }
}

fn main() {
    run(run_jobs);
}
