//! A correct alternative for `paginate`: one item per step, from a buffer refilled with the
//! next page only when it runs dry (no `flatten`).

use asyncscope::exercise::kits::paginate::{Api, run};
use futures::stream::{self, Stream};
use std::collections::VecDeque;

fn items(api: Api) -> impl Stream<Item = u32> {
    let start = (VecDeque::new(), Some(1));
    stream::unfold(start, move |(mut buffer, mut next)| {
        let api = api.clone();
        async move {
            while buffer.is_empty() {
                let page = api.fetch_page(next?).await;
                buffer.extend(page.items);
                next = page.next;
            }
            let item = buffer.pop_front()?;
            Some((item, (buffer, next)))
        }
    })
}

fn main() {
    run(items);
}
