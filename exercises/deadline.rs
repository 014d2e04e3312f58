//! Exercise `deadline` — after lesson 05, "Timeouts and cancellation".
//!
//! `with_deadline(call, limit)` must give the call at most `limit`: its reply if it finishes
//! in time, `Err(DeadlineExceeded)` as soon as the limit has passed. A `Call` holds a
//! connection while it runs, and a call that missed its deadline must give it back when
//! `with_deadline` returns: the call must be cancelled, not left running. It is tried with a
//! 2u call under 1u, a 0.5u call under 1u, and a 2u call under 1.5u.
//!
//! Check it: `asyncscope check deadline` (or keep `asyncscope watch` running).

use asyncscope::exercise::kits::deadline::{Call, DeadlineExceeded, run};
use std::time::Duration;

async fn with_deadline(
    call: Call,
    limit: Duration,
) -> Result<String, DeadlineExceeded> {
    // TODO: this waits for the call however long it takes.
    let _ = limit;
    Ok(call.await)
}

fn main() {
    run(with_deadline);
}
