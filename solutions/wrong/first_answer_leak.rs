//! Wrong: races spawned queries and keeps the winner, but only drops the
//! losers' handles: their tasks keep running.

use asyncscope::exercise::kits::first_answer::{query, run};

async fn first_answer(mirrors: Vec<&'static str>) -> String {
    let handles = mirrors.into_iter().map(|m| tokio::spawn(query(m)));
    let (first, _index, _losers) =
        futures::future::select_all(handles).await;
    first.unwrap_or_default()
}

fn main() {
    run(first_answer);
}
