//! Being written: the kit of exercise `worker_pool`.
