//! Wrong: fetches the pages on a runtime of its own, on another thread: the pages arrive, but
//! none of that work happened on the exercise's recorded runtime.

use asyncscope::exercise::kits::fetch_all::{fetch_page, run};

async fn fetch_all(ids: Vec<u32>) -> Vec<String> {
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime")
            .block_on(futures::future::join_all(
                ids.into_iter().map(fetch_page),
            ))
    })
    .join()
    .expect("the fetching thread panicked")
}

fn main() {
    run(fetch_all);
}
