//! Being written: exercise `predict_the_winner`.

fn main() {}
