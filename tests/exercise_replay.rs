//! A run's varied inputs are replayed exactly from the seed its trace recorded
//! (`ASYNCSCOPE_SEED`). In a test binary of its own: the seed is set for the whole process.

mod common;

use asyncscope::exercise::harness::SEED_ENV;
use common::*;

#[test]
fn a_recorded_seed_replays_the_same_inputs_and_the_same_grade() {
    // SAFETY: the only test in this binary; no other thread reads the environment yet.
    unsafe { std::env::set_var(SEED_ENV, "12345") };
    let runs: Vec<_> = (0..2)
        .map(|_| check("crawler", "wrong_crawler_waves"))
        .collect();
    let values: Vec<_> = runs
        .iter()
        .map(|c| c.timeline.as_ref().expect("a timeline").values.clone())
        .collect();
    assert_eq!(values[0]["seed"], 12345);
    for key in ["request_units", "slots_units"] {
        assert_eq!(values[0][key], values[1][key], "{key}");
    }
    assert_eq!(
        runs[0].checks, runs[1].checks,
        "the same grade, word for word"
    );
}
