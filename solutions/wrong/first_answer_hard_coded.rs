//! Wrong: returns the fastest mirror's reply written by hand, without asking any mirror (a
//! hard-coded answer).

use asyncscope::exercise::kits::first_answer::run;

async fn first_answer(_mirrors: Vec<&'static str>) -> String {
    "mirror-b: release 2.4.1".to_string()
}

fn main() {
    run(first_answer);
}
