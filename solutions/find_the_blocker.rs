//! Reference solution for `find_the_blocker`.

use asyncscope::exercise::kits::find_the_blocker::run;

// The single longest poll (about 300 ms: the loop stalls that long) is
// the thumbnailer's. The indexer computes more in all, but in short slices.
const BLOCKER: &str = "thumbnailer";

fn main() {
    run(BLOCKER);
}
