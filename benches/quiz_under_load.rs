//! How often a right answer to a machine-dependent question (a wall-clock figure such as
//! heartbeat lag, or a run on the real clock) is graded right while the machine is loaded:
//! every core kept busy by a spinning thread, each such question graded 20 times.
//! `cargo bench --bench quiz_under_load`
//!
//! The questions come with tolerances their lessons state; this prints the pass rate of each,
//! and the figures that failed, so a tolerance too tight for a loaded laptop shows up here
//! (tests never assert on these: a test that can flake on a loaded machine is a bug).

use asyncscope::lesson;
use asyncscope::quiz;
use asyncscope::scenarios::RunOptions;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

#[path = "../tests/answer_key/mod.rs"]
mod answer_key;

fn main() {
    // `cargo test --all-targets` runs benches in test mode: one pass, no load.
    let quick = !std::env::args().any(|a| a == "--bench");
    let rounds = if quick { 1 } else { 20 };
    let stop = Arc::new(AtomicBool::new(false));
    let spinners: Vec<_> = (0..if quick { 0 } else { num_cpus() })
        .map(|_| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut x = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    x = std::hint::black_box(
                        x.wrapping_mul(31).wrapping_add(7),
                    );
                }
            })
        })
        .collect();
    let (lessons, _) = lesson::load_all(&lesson::default_dir());
    let (mut passed, mut graded) = (0, 0);
    for l in &lessons {
        for (qi, q) in l.questions.iter().enumerate() {
            if !quiz::depends_on_machine(l, qi) {
                continue;
            }
            let right = answer_key::ANSWER_KEY
                .iter()
                .find(|(id, n, _)| *id == l.id && *n == qi + 1)
                .map(|(_, _, a)| *a)
                .expect("every question is in the answer key");
            let response = q.read(right).expect("the key's answer reads");
            let mut ok = 0;
            let mut misses = Vec::new();
            for _ in 0..rounds {
                let run =
                    lesson::run(l, q.run, &RunOptions::virtual_time()).ok();
                let g = quiz::grade_question(
                    q,
                    qi,
                    Some(&response),
                    run.as_ref(),
                );
                if g.correct {
                    ok += 1;
                } else {
                    misses.push(g.expected);
                }
            }
            passed += ok;
            graded += rounds;
            println!(
                "lesson {} Q{}: {ok}/{rounds} right (answer {right}){}",
                l.id,
                qi + 1,
                if misses.is_empty() {
                    String::new()
                } else {
                    format!("; the runs said {}", misses.join(", "))
                }
            );
        }
    }
    stop.store(true, Ordering::Relaxed);
    for s in spinners {
        let _ = s.join();
    }
    println!(
        "machine-dependent questions under load: {passed}/{graded} right ({:.0}%)",
        100.0 * passed as f64 / graded.max(1) as f64
    );
}

fn num_cpus() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}
