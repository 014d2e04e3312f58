//! Being written: exercise `capstone`.

fn main() {}
