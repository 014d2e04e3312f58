//! Wrong: pages 1, 2, 3, … forever: the stream never ends, so reading all of it never
//! finishes.

use asyncscope::exercise::kits::paginate::{Api, run};
use futures::stream::{self, Stream, StreamExt};

fn items(api: Api) -> impl Stream<Item = u32> {
    stream::iter(1..)
        .then(move |n| api.fetch_page(n))
        .flat_map(|page| stream::iter(page.items))
}

fn main() {
    run(items);
}
