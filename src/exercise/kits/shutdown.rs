//! Being written: the kit of exercise `shutdown`.
