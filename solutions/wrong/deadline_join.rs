//! Wrong: joins the call and the timer instead of racing them: every answer waits for both,
//! the call's reply and the whole limit.

use asyncscope::exercise::kits::deadline::{Call, DeadlineExceeded, run};
use std::time::Duration;

async fn with_deadline(
    call: Call,
    limit: Duration,
) -> Result<String, DeadlineExceeded> {
    let (reply, ()) = tokio::join!(call, tokio::time::sleep(limit));
    Ok(reply)
}

fn main() {
    run(with_deadline);
}
