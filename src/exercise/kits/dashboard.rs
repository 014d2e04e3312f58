//! Being written: the kit of exercise `dashboard`.
