//! Hostile: two tasks take two tokio mutexes in opposite orders. Nothing blocks a thread, so
//! the paused clock jumps to the run's limit and the run FINISHES with a trace that names the
//! deadlock.

use asyncscope::exercise::kits::fetch_all::run;
use asyncscope::probe;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;

async fn transfer(first: Arc<Mutex<i64>>, second: Arc<Mutex<i64>>) {
    let mut a = first.lock().await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut b = second.lock().await;
    *a -= 1;
    *b += 1;
}

fn main() {
    // Learner code reaches the recorded runtime only through a kit.
    run(|_ids| async {
        let a = Arc::new(Mutex::new(100));
        let b = Arc::new(Mutex::new(100));
        let ab =
            probe::spawn("transfer-ab", transfer(a.clone(), b.clone()));
        let ba = probe::spawn("transfer-ba", transfer(b, a));
        let _ = tokio::join!(ab, ba);
        Vec::new()
    });
}
