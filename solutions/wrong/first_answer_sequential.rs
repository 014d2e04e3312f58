//! Wrong: tries the mirrors one by one and keeps the first that replies,
//! which is simply the first in the list.

use asyncscope::exercise::kits::first_answer::{query, run};

async fn first_answer(mirrors: Vec<&'static str>) -> String {
    for mirror in mirrors {
        let reply = query(mirror).await;
        if !reply.is_empty() {
            return reply;
        }
    }
    String::new()
}

fn main() {
    run(first_answer);
}
