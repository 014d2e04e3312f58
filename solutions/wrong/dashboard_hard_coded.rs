//! Wrong: returns lines written by hand instead of fetching the sources (a hard-coded
//! answer): whatever the text, nothing was fetched.

use asyncscope::exercise::kits::dashboard::run;

async fn dashboard(sources: Vec<&'static str>) -> Vec<String> {
    sources.into_iter().map(|s| format!("{s}: ok")).collect()
}

fn main() {
    run(dashboard);
}
