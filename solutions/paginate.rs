//! Reference solution for `paginate`.

use asyncscope::exercise::kits::paginate::{Api, run};
use futures::stream::{self, Stream, StreamExt};

fn items(api: Api) -> impl Stream<Item = u32> {
    // The state is the next page to fetch; `None` ends the stream. unfold runs the closure
    // only when the stream is asked for more than it has.
    stream::unfold(Some(1), move |next| {
        let api = api.clone();
        async move {
            let page = api.fetch_page(next?).await;
            Some((stream::iter(page.items), page.next))
        }
    })
    .flatten() // a stream of pages → a stream of items
}

fn main() {
    run(items);
}
