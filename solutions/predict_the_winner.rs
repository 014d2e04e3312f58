//! Reference solution for `predict_the_winner`.

use asyncscope::exercise::kits::predict_the_winner::{Runtime, run};

/// Waiting needs no thread: one thread keeps all 200 waits in flight, so
/// both take about 200 ms.
const IO_BOUND: Runtime = Runtime::Same;

/// Computing holds a thread: one thread computes 4 × 150 ms in a row
/// (600 ms), two workers two at a time (300 ms).
const CPU_BOUND: Runtime = Runtime::MultiThread;

/// `join_all` polls its futures inside one task, and a task runs on one
/// thread at a time: the 4 computations run in a row on both (500 ms).
const ONE_TASK: Runtime = Runtime::Same;

fn main() {
    run(IO_BOUND, CPU_BOUND, ONE_TASK);
}
