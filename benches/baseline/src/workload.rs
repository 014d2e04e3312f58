//! The measured workload, shared (via `#[path]`) by the baseline binary and
//! `benches/recorder_overhead.rs`, so every configuration times exactly the same code.

use std::time::{Duration, Instant};

/// Every line a measuring process prints for the parent to parse starts with this.
pub const RESULT_PREFIX: &str = "asyncscope-bench-result";

/// One task yielding `cycles` times: each cycle is one poll, one deferred wake and one
/// reschedule on the runtime.
pub async fn yield_loop(cycles: u64) {
    for _ in 0..cycles {
        tokio::task::yield_now().await;
    }
}

/// Spawn the loop as one task on `rt` and time it, from the spawn to its completion.
pub fn timed_run(rt: &tokio::runtime::Runtime, cycles: u64) -> Duration {
    rt.block_on(async move {
        let start = Instant::now();
        tokio::spawn(yield_loop(cycles))
            .await
            .expect("the yield loop panicked");
        start.elapsed()
    })
}

/// `(cycles, warmup)` from the command line: `<cycles> <warmup>`.
pub fn cycles_from_args() -> (u64, u64) {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let parse = |i: usize, what: &str| -> u64 {
        let text = args.get(i).unwrap_or_else(|| {
            panic!("usage: <cycles> <warmup> (missing {what})")
        });
        text.replace('_', "").parse().unwrap_or_else(|_| {
            panic!("{what} must be a whole number, not `{text}`")
        })
    };
    (parse(0, "cycles"), parse(1, "warmup"))
}

/// Nanoseconds per cycle.
pub fn per_cycle(elapsed: Duration, cycles: u64) -> f64 {
    elapsed.as_nanos() as f64 / cycles.max(1) as f64
}
