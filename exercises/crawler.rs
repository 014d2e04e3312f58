//! Being written: exercise `crawler`.

fn main() {}
