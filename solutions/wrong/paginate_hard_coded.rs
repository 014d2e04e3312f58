//! Wrong: streams the items 1 to 42 from memory, without asking the API (a hard-coded
//! answer).

use asyncscope::exercise::kits::paginate::{Api, run};
use futures::Stream;

fn items(_api: Api) -> impl Stream<Item = u32> + Send + 'static {
    futures::stream::iter(1..=42)
}

fn main() {
    run(items);
}
