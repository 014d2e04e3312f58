//! Hostile: two tasks take two tokio mutexes in opposite orders. Nothing blocks a thread, so
//! the paused clock jumps to the run's limit and the run FINISHES with a trace that names the
//! deadlock.

use asyncscope::exercise::harness::{self, Setup};
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
    let setup = Setup {
        limit_units: 5.0,
        ..Setup::new("hostile_deadlock")
    };
    harness::run(&setup, |_ctx| {
        Box::pin(async {
            let a = Arc::new(Mutex::new(100));
            probe::label_resource("account A");
            let b = Arc::new(Mutex::new(100));
            probe::label_resource("account B");
            let ab =
                probe::spawn("transfer-ab", transfer(a.clone(), b.clone()));
            let ba = probe::spawn("transfer-ba", transfer(b, a));
            let _ = tokio::join!(ab, ba);
        })
    });
}
