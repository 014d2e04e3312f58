//! Wrong: ignores `next` and stops at the first empty page, so reading everything fetches a
//! sixth page that does not exist.

use asyncscope::exercise::kits::paginate::{Api, run};
use futures::stream::{self, Stream, StreamExt};

fn items(api: Api) -> impl Stream<Item = u32> {
    stream::unfold(1, move |n| {
        let api = api.clone();
        async move {
            let page = api.fetch_page(n).await;
            if page.items.is_empty() {
                return None;
            }
            Some((stream::iter(page.items), n + 1))
        }
    })
    .flatten()
}

fn main() {
    run(items);
}
