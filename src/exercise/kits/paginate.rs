//! Being written: the kit of exercise `paginate`.
