//! Being written: exercise `deadline`.

fn main() {}
