//! Wrong: expects computing to overlap on one thread as waiting does.

use asyncscope::exercise::kits::predict_the_winner::{Runtime, run};

const IO_BOUND: Runtime = Runtime::Same;
const CPU_BOUND: Runtime = Runtime::Same;
const ONE_TASK: Runtime = Runtime::Same;

fn main() {
    run(IO_BOUND, CPU_BOUND, ONE_TASK);
}
