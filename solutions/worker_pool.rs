//! Being written: exercise `worker_pool`.

fn main() {}
