//! Being written: the kit of exercise `retry`.
