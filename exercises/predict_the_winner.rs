//! Exercise `predict_the_winner` — after lesson 13, "Concurrency vs parallelism".
//!
//! Three workloads run twice, for real: on a `current_thread` runtime (one thread) and on a
//! `multi_thread` runtime with 2 worker threads. For each one, predict which set-up finishes
//! first: `Runtime::CurrentThread`, `Runtime::MultiThread`, or `Runtime::Same` (within 40%
//! of each other). Think before you run it: the check measures and grades your predictions.
//!
//! Check it: `asyncscope check predict_the_winner` (or keep `asyncscope watch` running).

use asyncscope::exercise::kits::predict_the_winner::{Runtime, run};

// TODO: replace each Runtime::TODO with your prediction.

/// 1. 200 tasks are spawned at once; each waits 200 ms (a network call).
const IO_BOUND: Runtime = Runtime::TODO;

/// 2. 4 tasks are spawned at once; each computes for 150 ms without an
///    `.await`.
const CPU_BOUND: Runtime = Runtime::TODO;

/// 3. ONE spawned task handles 4 requests with `join_all`: each request
///    waits 100 ms, then computes for 100 ms.
const ONE_TASK: Runtime = Runtime::TODO;

fn main() {
    run(IO_BOUND, CPU_BOUND, ONE_TASK);
}
