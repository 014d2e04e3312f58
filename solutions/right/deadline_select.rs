//! A correct alternative for `deadline`: race the call against a sleep with `select!`; when
//! the sleep wins, the call's future is dropped, and its connection with it.

use asyncscope::exercise::kits::deadline::{Call, DeadlineExceeded, run};
use std::time::Duration;

async fn with_deadline(
    call: Call,
    limit: Duration,
) -> Result<String, DeadlineExceeded> {
    tokio::select! {
        reply = call => Ok(reply),
        _ = tokio::time::sleep(limit) => Err(DeadlineExceeded),
    }
}

fn main() {
    run(with_deadline);
}
