//! Being written: the kit of exercise `first_answer`.
