//! Being written: the kit of exercise `crawler`.
