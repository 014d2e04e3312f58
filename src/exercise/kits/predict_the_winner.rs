//! Being written: the kit of exercise `predict_the_winner`.
