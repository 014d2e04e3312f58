//! Being written: exercise `dashboard`.

fn main() {}
