//! Wrong: a `select!` inside a loop builds the three queries afresh on every turn, dropping
//! the ones in flight; a ticker wins each turn, so no query ever gets to answer in time.

use asyncscope::exercise::kits::first_answer::{query, run};
use std::time::Duration;

async fn first_answer(mirrors: Vec<&'static str>) -> String {
    let mut ticks = 0;
    loop {
        tokio::select! {
            reply = query(mirrors[0]) => return reply,
            reply = query(mirrors[1]) => return reply,
            reply = query(mirrors[2]) => return reply,
            _ = tokio::time::sleep(Duration::from_millis(100)) => {
                ticks += 1;
                if ticks > 20 {
                    return String::new();
                }
            }
        }
    }
}

fn main() {
    run(first_answer);
}
