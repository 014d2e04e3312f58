//! Same knobs, same run: every lesson run on the paused clock, recorded 20 times, gives the
//! same outcomes, end times, marks and values every time; so do the knob settings where two
//! things happen in one instant (cancel-at's ties, shutdown at its deadline).

use asyncscope::lesson;
use asyncscope::scenarios::{self, RunOptions};
use asyncscope::timeline::Timeline;
use asyncscope::trace::Clock;

const RUNS: usize = 20;

/// What must not change between two runs with the same knobs. Wall-clock figures (how long a
/// poll took, `wall_ms`, heartbeat lag) depend on the machine and are left out.
fn fingerprint(tl: &Timeline) -> String {
    let mut s = String::new();
    for t in tl.scenario_tasks() {
        s += &format!(
            "{} spawned {} ended {:?} {}\n",
            t.label(),
            t.spawned.rt_ns,
            t.ended.map(|e| e.rt_ns),
            t.end.as_str()
        );
    }
    for m in &tl.marks {
        s += &format!("mark {} {}\n", m.at.rt_ns, m.text);
    }
    for (k, v) in &tl.values {
        if k != "wall_ms" {
            s += &format!("value {k} = {v}\n");
        }
    }
    s += &format!("end {}\n", tl.finish_stamp().rt_ns);
    s
}

fn assert_same_every_time(what: &str, id: &str, options: &RunOptions) {
    let run = || {
        Timeline::from_trace(&scenarios::run(id, options).expect("it runs"))
    };
    let first = fingerprint(&run());
    for i in 1..RUNS {
        let again = fingerprint(&run());
        assert_eq!(
            first,
            again,
            "{what}: run {} differs from run 1",
            i + 1
        );
    }
}

#[test]
fn every_lesson_run_on_the_paused_clock_is_the_same_every_time() {
    let (lessons, errors) = lesson::load_all(&lesson::default_dir());
    assert!(errors.is_empty());
    let mut checked = 0;
    for l in &lessons {
        for (i, spec) in l.runs.iter().enumerate() {
            let options = spec.options(&RunOptions::virtual_time());
            // multi_thread runs cannot pause their clock (lesson 13 says so on screen).
            if scenarios::clock_of(&spec.scenario, &options).unwrap()
                != Clock::Paused
            {
                continue;
            }
            let what = format!("lesson {} run {}", l.id, i + 1);
            assert_same_every_time(&what, &spec.scenario, &options);
            checked += 1;
        }
    }
    assert!(checked >= 40, "only {checked} paused-clock lesson runs");
}

#[test]
fn ties_are_settled_the_same_way_every_time() {
    let ties: &[(&str, &[(&str, &str)])] = &[
        // C's 2u of work ends in the instant of the cancel.
        ("cancel-at", &[("cancel_at", "2")]),
        ("cancel-at", &[("cancel_at", "2"), ("how", "abort")]),
        ("cancel-at", &[("cancel_at", "3")]),
        ("cancel-at", &[("cancel_at", "5"), ("cleanup", "2")]),
        // request-6 ends in the instant of the deadline.
        ("shutdown", &[("deadline", "0.8")]),
        ("shutdown", &[("deadline", "1")]),
    ];
    for (id, knobs) in ties {
        let mut options = RunOptions::virtual_time();
        for (k, v) in *knobs {
            options = options.knob(k, v);
        }
        assert_same_every_time(&format!("{id} {knobs:?}"), id, &options);
    }
}

#[test]
fn shutdown_counts_match_what_the_requests_did() {
    for deadline in ["0.5", "0.8", "1", "1.5", "2"] {
        for job in ["1", "2"] {
            let options = RunOptions::virtual_time()
                .knob("deadline", deadline)
                .knob("job", job);
            let tl = Timeline::from_trace(
                &scenarios::run("shutdown", &options).unwrap(),
            );
            let requests: Vec<_> = tl
                .scenario_tasks()
                .filter(|t| t.label().starts_with("request-"))
                .collect();
            let cancelled = requests
                .iter()
                .filter(|t| t.end.as_str() == "cancelled")
                .count();
            let value = |k: &str| tl.values[k].as_u64().unwrap() as usize;
            assert_eq!(
                value("cancelled_at_deadline"),
                cancelled,
                "deadline={deadline} job={job}"
            );
            assert_eq!(
                value("finished"),
                requests.len() - cancelled,
                "deadline={deadline} job={job}"
            );
            assert_eq!(value("accepted"), requests.len());
        }
    }
}
