//! Hostile: a task locks a std Mutex it already holds. The thread blocks forever, so neither
//! tokio nor the paused clock can move: the runner stops it at the wall-clock limit.

use asyncscope::exercise::kits::fetch_all::run;
use asyncscope::probe;
use std::sync::{Arc, Mutex};

fn main() {
    run(|_ids| async {
        let counter = Arc::new(Mutex::new(0));
        let task = probe::spawn("double-lock", async move {
            let first = counter.lock().unwrap();
            let second = counter.lock().unwrap(); // blocks this thread forever
            drop((first, second));
        });
        let _ = task.await;
        Vec::new()
    });
}
