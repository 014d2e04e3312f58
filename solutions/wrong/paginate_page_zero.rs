//! Wrong: starts at page 0 (pages start at 1): the API answers an empty last page, and the
//! stream ends before it has fetched a single item.

use asyncscope::exercise::kits::paginate::{Api, run};
use futures::{Stream, StreamExt, stream};

fn items(api: Api) -> impl Stream<Item = u32> + Send + 'static {
    stream::unfold(Some(0), move |next| {
        let api = api.clone();
        async move {
            let page = api.fetch_page(next?).await;
            Some((stream::iter(page.items), page.next))
        }
    })
    .flatten()
}

fn main() {
    run(items);
}
