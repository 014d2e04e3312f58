//! Wrong: the task with the most polls, each of them very short.

use asyncscope::exercise::kits::find_the_blocker::run;

const BLOCKER: &str = "notifier";

fn main() {
    run(BLOCKER);
}
