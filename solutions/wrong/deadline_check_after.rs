//! Wrong: waits for the call to finish, then checks whether it was late.
//! The results are right, but nobody gets an answer at the deadline.

use asyncscope::exercise::kits::deadline::{Call, DeadlineExceeded, run};
use std::time::Duration;
use tokio::time::Instant;

async fn with_deadline(
    call: Call,
    limit: Duration,
) -> Result<String, DeadlineExceeded> {
    let start = Instant::now();
    let reply = call.await;
    if start.elapsed() > limit {
        Err(DeadlineExceeded)
    } else {
        Ok(reply)
    }
}

fn main() {
    run(with_deadline);
}
