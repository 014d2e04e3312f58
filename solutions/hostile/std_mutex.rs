//! Hostile: a task locks a std Mutex it already holds. The thread blocks forever, so neither
//! tokio nor the paused clock can move: the runner stops it at the wall-clock limit.

use asyncscope::exercise::harness::{self, Setup};
use asyncscope::probe;
use std::sync::{Arc, Mutex};

fn main() {
    harness::run(&Setup::new("hostile_std_mutex"), |_ctx| {
        Box::pin(async {
            let counter = Arc::new(Mutex::new(0));
            let task = probe::spawn("double-lock", async move {
                let first = counter.lock().unwrap();
                let second = counter.lock().unwrap(); // blocks this thread forever
                drop((first, second));
            });
            let _ = task.await;
        })
    });
}
