//! Who woke a task: the block_on task's wakes (tokio does not report them) are counted and
//! traced to the task whose end woke it; a task dropped at shutdown does not "wake" the
//! others its guards release; a token cancel is the canceller's one wake.

use asyncscope::scenarios::{self, RunOptions};
use asyncscope::timeline::{TaskLine, Timeline, WakeSource};

fn run(id: &str, knobs: &[(&str, &str)]) -> Timeline {
    let mut options = RunOptions::virtual_time();
    for (k, v) in knobs {
        options = options.knob(k, v);
    }
    Timeline::from_trace(&scenarios::run(id, &options).unwrap())
}

fn task<'a>(tl: &'a Timeline, name: &str) -> &'a TaskLine {
    tl.tasks.iter().find(|t| t.label() == name).unwrap()
}

fn wakers(tl: &Timeline, name: &str) -> Vec<String> {
    task(tl, name)
        .wakes
        .iter()
        .map(|w| match w.source {
            WakeSource::Task(by) => tl.tasks[by as usize].label(),
            WakeSource::SelfWake => "itself".into(),
            WakeSource::Runtime => "runtime".into(),
        })
        .collect()
}

#[test]
fn main_awaiting_join_handles_is_woken_by_the_tasks_that_finish() {
    let tl = run("breakfast", &[]);
    let main = task(&tl, "main");
    assert_eq!(main.polls.len(), 3);
    // Every poll after the first followed a wake.
    assert_eq!(wakers(&tl, "main"), ["toast", "coffee"]);
    let tl = run("breakfast", &[("mode", "sequential")]);
    assert_eq!(wakers(&tl, "main"), ["coffee", "toast"]);
    // cancel-at's main first sleeps until the cancel: its timer wakes it.
    let tl = run("cancel-at", &[]);
    assert_eq!(wakers(&tl, "main")[0], "runtime");
}

#[test]
fn a_deadlocked_task_is_not_woken_by_the_other_one_being_dropped() {
    let tl = run("deadlock", &[]);
    for task in ["transfer-ab", "transfer-ba"] {
        let by = wakers(&tl, task);
        assert!(
            !by.iter().any(|b| b.starts_with("transfer-")),
            "{task} woken by {by:?}"
        );
    }
}

#[test]
fn a_cancelled_ticker_is_woken_by_its_timer_and_once_by_its_canceller() {
    let tl = run("interleave", &[("mode", "starve")]);
    let by = wakers(&tl, "ticker");
    assert_eq!(by.iter().filter(|b| *b == "main").count(), 1, "{by:?}");
    assert!(by.iter().filter(|b| *b == "runtime").count() >= 3, "{by:?}");
}
