//! A correct alternative for `first_answer`: race the three queries with `select_all`; the
//! losers are dropped (cancelled) with the vector that holds them.

use asyncscope::exercise::kits::first_answer::{query, run};

async fn first_answer(mirrors: Vec<&'static str>) -> String {
    let queries = mirrors.into_iter().map(|m| Box::pin(query(m)));
    let (reply, _index, losers) =
        futures::future::select_all(queries).await;
    drop(losers);
    reply
}

fn main() {
    run(first_answer);
}
