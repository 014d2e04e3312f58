//! Being written: exercise `bank`.

fn main() {}
