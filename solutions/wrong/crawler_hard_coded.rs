//! Wrong: makes up each page's body without requesting it (a hard-coded answer).

use asyncscope::exercise::kits::crawler::run;

async fn crawl(urls: Vec<String>) -> Vec<String> {
    urls.into_iter()
        .map(|url| format!("<html>{url}</html>"))
        .collect()
}

fn main() {
    run(crawl);
}
