//! Exercise `find_the_blocker` — after lesson 15, "Reading the runtime".
//!
//! Six tasks share one runtime thread: an uploader, a feed sending updates to a notifier, an
//! indexer, a resizer and a thumbnailer. One of them blocks the loop: while it runs, nothing
//! else can. Run the program to see its timeline, read it as in lesson 15, and write that
//! task's name below. Run it: `cargo run -q -p asyncscope-exercises --bin find_the_blocker`
//!
//! Check it: `asyncscope check find_the_blocker` (or keep `asyncscope watch` running).

use asyncscope::exercise::kits::find_the_blocker::run;

// TODO: the name of the task that blocks the loop, as the timeline
// shows it.
const BLOCKER: &str = "TODO";

fn main() {
    run(BLOCKER);
}
