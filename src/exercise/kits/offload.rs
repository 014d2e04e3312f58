//! Being written: the kit of exercise `offload`.
