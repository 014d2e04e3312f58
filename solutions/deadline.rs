//! Reference solution for `deadline`.

use asyncscope::exercise::kits::deadline::{Call, DeadlineExceeded, run};
use std::time::Duration;

async fn with_deadline(
    call: Call,
    limit: Duration,
) -> Result<String, DeadlineExceeded> {
    // On Err(Elapsed), timeout drops the call's future at its await: the
    // connection it holds is dropped (given back) with it.
    tokio::time::timeout(limit, call)
        .await
        .map_err(|_elapsed| DeadlineExceeded)
}

fn main() {
    run(with_deadline);
}
