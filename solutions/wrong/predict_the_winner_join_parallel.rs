//! Wrong: expects `join_all` inside one task to compute in parallel.

use asyncscope::exercise::kits::predict_the_winner::{Runtime, run};

const IO_BOUND: Runtime = Runtime::Same;
const CPU_BOUND: Runtime = Runtime::MultiThread;
const ONE_TASK: Runtime = Runtime::MultiThread;

fn main() {
    run(IO_BOUND, CPU_BOUND, ONE_TASK);
}
