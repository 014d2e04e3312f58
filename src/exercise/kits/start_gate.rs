//! Being written: the kit of exercise `start_gate`.
