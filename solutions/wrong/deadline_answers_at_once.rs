//! Wrong: gives up at once instead of giving the call until its deadline.

use asyncscope::exercise::kits::deadline::{Call, DeadlineExceeded, run};
use std::time::Duration;

async fn with_deadline(
    call: Call,
    _limit: Duration,
) -> Result<String, DeadlineExceeded> {
    drop(call);
    Err(DeadlineExceeded)
}

fn main() {
    run(with_deadline);
}
