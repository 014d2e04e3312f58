//! Wrong: the call runs as a task and the timeout is on its JoinHandle. At
//! the deadline only the waiting stops: the task keeps running, connection
//! and all.

use asyncscope::exercise::kits::deadline::{Call, DeadlineExceeded, run};
use std::time::Duration;

async fn with_deadline(
    call: Call,
    limit: Duration,
) -> Result<String, DeadlineExceeded> {
    let handle = tokio::spawn(call);
    match tokio::time::timeout(limit, handle).await {
        Ok(Ok(reply)) => Ok(reply),
        _ => Err(DeadlineExceeded),
    }
}

fn main() {
    run(with_deadline);
}
