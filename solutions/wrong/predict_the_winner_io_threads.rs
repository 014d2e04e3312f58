//! Wrong: expects more threads to speed up waiting.

use asyncscope::exercise::kits::predict_the_winner::{Runtime, run};

const IO_BOUND: Runtime = Runtime::MultiThread;
const CPU_BOUND: Runtime = Runtime::MultiThread;
const ONE_TASK: Runtime = Runtime::Same;

fn main() {
    run(IO_BOUND, CPU_BOUND, ONE_TASK);
}
