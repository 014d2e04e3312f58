//! How long every lesson's runs take headless on the paused clock (the curriculum's target:
//! the whole set in under 10 s). `cargo bench --bench lessons_headless`
//!
//! Prints one line per run with its wall time, then the total; run 3 times, reports each.

use asyncscope::lesson;
use asyncscope::scenarios::RunOptions;
use std::time::Instant;

fn main() {
    // `cargo test --all-targets` runs benches in test mode: one quiet pass is enough there.
    let quick = !std::env::args().any(|a| a == "--bench");
    let (lessons, errors) = lesson::load_all(&lesson::default_dir());
    for e in &errors {
        eprintln!("error: {e}");
    }
    let passes = if quick { 1 } else { 3 };
    let mut totals = Vec::new();
    for pass in 0..passes {
        let start = Instant::now();
        let mut runs = 0;
        for l in &lessons {
            for (i, spec) in l.runs.iter().enumerate() {
                let t = Instant::now();
                let timeline =
                    lesson::run(l, i, &RunOptions::virtual_time())
                        .unwrap_or_else(|e| {
                            panic!("lesson {} run {i}: {e}", l.id)
                        });
                runs += 1;
                if pass == 0 && !quick {
                    println!(
                        "lesson {:>2} run {i}: {:<40} {:>8.1} ms wall, {:>6.2}u virtual, {} clock",
                        l.id,
                        spec.describe(),
                        t.elapsed().as_secs_f64() * 1000.0,
                        timeline.units(timeline.finish_stamp().rt_ns),
                        timeline.header.clock.as_str(),
                    );
                }
            }
        }
        let total = start.elapsed().as_secs_f64();
        totals.push(total);
        println!(
            "pass {}: {runs} runs of {} lessons in {total:.2} s (target < 10 s)",
            pass + 1,
            lessons.len()
        );
    }
    let best = totals.iter().cloned().fold(f64::INFINITY, f64::min);
    println!("best of {passes}: {best:.2} s");
}
