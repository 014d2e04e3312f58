//! Being written: exercise `retry`.

fn main() {}
