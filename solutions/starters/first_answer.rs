//! Exercise `first_answer` — after lesson 04, "As completed, select, racing".
//!
//! Three mirrors serve the same release; `query(mirror)` asks one of them. They take 1.2u
//! (mirror-a), 0.4u (mirror-b) and 0.9u (mirror-c) to reply. Ask all three at once, return
//! the first reply to arrive, and cancel the queries still running: nothing may keep running
//! after `first_answer` returns.
//!
//! Check it: `asyncscope check first_answer` (or keep `asyncscope watch` running).

use asyncscope::exercise::kits::first_answer::{query, run};

async fn first_answer(mirrors: Vec<&'static str>) -> String {
    // TODO: this waits for every mirror, then takes the first one in
    // the list, not the first one to reply.
    let replies =
        futures::future::join_all(mirrors.into_iter().map(query)).await;
    replies.into_iter().next().unwrap_or_default()
}

fn main() {
    run(first_answer);
}
