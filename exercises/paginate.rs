//! Exercise `paginate` — after lesson 11, "Streams and pipelines".
//!
//! The API hands out 42 items, 10 per page: `api.fetch_page(n)` (0.5u) returns page `n`'s
//! items and `next`, the number of the page after it (`None` after the last page). Turn it
//! into a lazy stream of items: fetch a page only when its first item is asked for, so
//! `.take(25)` fetches 3 pages and `.take(10)` just 1, and end the stream after the last page.
//!
//! Check it: `asyncscope check paginate` (or keep `asyncscope watch` running).

use asyncscope::exercise::kits::paginate::{Api, run};
use futures::stream::{self, Stream, StreamExt};

fn items(api: Api) -> impl Stream<Item = u32> {
    // TODO: this fetches every page before the first item is handed out.
    let everything = async move {
        let mut all = Vec::new();
        let mut next = Some(1);
        while let Some(n) = next {
            let page = api.fetch_page(n).await;
            all.extend(page.items);
            next = page.next;
        }
        stream::iter(all)
    };
    stream::once(everything).flatten()
}

fn main() {
    run(items);
}
