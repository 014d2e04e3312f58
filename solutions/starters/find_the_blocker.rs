//! Being written: exercise `find_the_blocker`.

fn main() {}
