//! Being written: exercise `offload`.

fn main() {}
