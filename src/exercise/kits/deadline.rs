//! Being written: the kit of exercise `deadline`.
