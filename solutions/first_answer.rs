//! Being written: exercise `first_answer`.

fn main() {}
