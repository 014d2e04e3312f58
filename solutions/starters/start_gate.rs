//! Being written: exercise `start_gate`.

fn main() {}
