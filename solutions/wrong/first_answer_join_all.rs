//! Wrong: picks the reply that arrived first, but only after waiting for
//! all three.

use asyncscope::exercise::kits::first_answer::{query, run};
use tokio::time::Instant;

async fn first_answer(mirrors: Vec<&'static str>) -> String {
    let timed = mirrors.into_iter().map(|mirror| async move {
        let reply = query(mirror).await;
        (Instant::now(), reply)
    });
    let replies = futures::future::join_all(timed).await;
    replies
        .into_iter()
        .min_by_key(|(at, _)| *at)
        .map(|(_, reply)| reply)
        .unwrap_or_default()
}

fn main() {
    run(first_answer);
}
