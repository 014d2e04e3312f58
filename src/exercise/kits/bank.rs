//! Being written: the kit of exercise `bank`.
