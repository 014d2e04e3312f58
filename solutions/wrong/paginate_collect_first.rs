//! Wrong: a lazy stream, collected into a Vec before the first item is handed out: every page
//! is fetched, however few items are taken.

use asyncscope::exercise::kits::paginate::{Api, run};
use futures::stream::{self, Stream, StreamExt};

fn pages(api: Api) -> impl Stream<Item = u32> {
    stream::unfold(Some(1), move |next| {
        let api = api.clone();
        async move {
            let page = api.fetch_page(next?).await;
            Some((stream::iter(page.items), page.next))
        }
    })
    .flatten()
}

fn items(api: Api) -> impl Stream<Item = u32> {
    let all = async move { pages(api).collect::<Vec<u32>>().await };
    stream::once(all).flat_map(stream::iter)
}

fn main() {
    run(items);
}
