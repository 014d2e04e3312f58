//! Being written: exercise `paginate`.

fn main() {}
