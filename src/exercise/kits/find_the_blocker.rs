//! Being written: the kit of exercise `find_the_blocker`.
