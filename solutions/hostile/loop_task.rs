//! Hostile: a task on the recorded runtime that never yields. The paused clock cannot help
//! (the one thread is busy), so the runner stops it at the wall-clock limit.

use asyncscope::exercise::harness::{self, Setup};
use asyncscope::probe;

fn main() {
    harness::run(&Setup::new("hostile_loop_task"), |_ctx| {
        Box::pin(async {
            let spin = probe::spawn("spinner", async {
                let mut n: u64 = 0;
                loop {
                    n = std::hint::black_box(n.wrapping_add(1));
                }
            });
            let _ = spin.await;
        })
    });
}
