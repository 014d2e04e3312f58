//! Being written: the kit of exercise `capstone`.
