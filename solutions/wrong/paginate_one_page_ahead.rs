//! Wrong: the next page is fetched as soon as the last item of a page is handed out, before
//! anyone asks for it: `.take(10)` fetches 2 pages instead of 1.

use asyncscope::exercise::kits::paginate::{Api, run};
use futures::stream::{self, Stream};
use std::collections::VecDeque;

fn items(api: Api) -> impl Stream<Item = u32> {
    let start = (api, Some(1), VecDeque::new());
    stream::unfold(start, |(api, mut next, mut buffer)| async move {
        if buffer.is_empty() {
            let page = api.fetch_page(next?).await;
            buffer.extend(page.items);
            next = page.next;
        }
        let item = buffer.pop_front()?;
        if buffer.is_empty()
            && let Some(n) = next
        {
            // Refill right away: one page too early.
            let page = api.fetch_page(n).await;
            buffer.extend(page.items);
            next = page.next;
        }
        Some((item, (api, next, buffer)))
    })
}

fn main() {
    run(items);
}
