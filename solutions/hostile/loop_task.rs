//! Hostile: a task on the recorded runtime that never yields. The paused clock cannot help
//! (the one thread is busy), so the runner stops it at the wall-clock limit.

use asyncscope::exercise::kits::fetch_all::run;
use asyncscope::probe;

fn main() {
    run(|_ids| async {
        let spin = probe::spawn("spinner", async {
            let mut n: u64 = 0;
            loop {
                n = std::hint::black_box(n.wrapping_add(1));
            }
        });
        let _ = spin.await;
        Vec::new()
    });
}
