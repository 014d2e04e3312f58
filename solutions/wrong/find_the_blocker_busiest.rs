//! Wrong: the task with the most busy time in all, not the one with the longest poll.

use asyncscope::exercise::kits::find_the_blocker::run;

const BLOCKER: &str = "indexer";

fn main() {
    run(BLOCKER);
}
