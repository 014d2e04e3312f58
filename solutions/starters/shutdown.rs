//! Being written: exercise `shutdown`.

fn main() {}
