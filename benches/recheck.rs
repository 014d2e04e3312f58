//! The learner's loop: how long a re-check of `fetch_all` takes after a one-line edit, warm
//! (build + contained run + grade, as `asyncscope check` and `asyncscope watch` do it). The
//! target on a 2-core machine: at most 3 s. `cargo bench --bench recheck`
//!
//! It edits the real learner file, `exercises/fetch_all.rs` (a comment line appended per
//! round), and puts it back byte for byte at the end, on a panic, and on Ctrl-C.

use asyncscope::exercise::{self, EXERCISES_PACKAGE, info, runner};
use asyncscope::grade;
use asyncscope::timeline::Timeline;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const ROUNDS: usize = 5;
const TARGET: Duration = Duration::from_secs(3);

/// The learner's file as it was, written back when dropped.
struct Restore {
    path: PathBuf,
    bytes: Vec<u8>,
}

impl Drop for Restore {
    fn drop(&mut self) {
        if std::fs::read(&self.path).ok().as_ref() != Some(&self.bytes) {
            std::fs::write(&self.path, &self.bytes)
                .expect("put the learner's file back");
        }
    }
}

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_interrupt(_: libc::c_int) {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// Build, run and grade, as `exercise::check` does, timing each step.
fn recheck(
    root: &Path,
    info: &info::ExerciseInfo,
) -> (Duration, Duration, bool) {
    let start = Instant::now();
    let binary = runner::build(root, EXERCISES_PACKAGE, &info.name, false)
        .unwrap_or_else(|e| panic!("fetch_all does not build:\n{e}"));
    let built = start.elapsed();
    let report =
        runner::run(&binary, runner::Limits::with_wall(info.time_limit_s));
    let passed = match report.verdict {
        runner::Verdict::Finished(trace) => {
            let tl = Timeline::from_trace(&trace);
            grade::grade(&info.checks, &tl).iter().all(|c| c.passed)
        }
        other => panic!("fetch_all did not finish: {}", other.describe()),
    };
    (built, start.elapsed() - built, passed)
}

fn main() {
    // `cargo test --all-targets` runs benches in test mode: nothing heavy (and no edits) there.
    if !std::env::args().any(|a| a == "--bench") {
        println!("recheck: run it with `cargo bench --bench recheck`");
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let infos = info::builtin();
    let info = infos
        .iter()
        .find(|i| i.name == "fetch_all")
        .expect("fetch_all exists");
    let path = exercise::learner_file(root, info);
    let _restore = Restore {
        bytes: std::fs::read(&path).expect("the learner's file"),
        path: path.clone(),
    };
    // SAFETY: the handler only stores to an atomic.
    unsafe {
        libc::signal(
            libc::SIGINT,
            on_interrupt as extern "C" fn(libc::c_int)
                as libc::sighandler_t,
        );
    }

    // Other work on the machine (and other builds waiting on this workspace's target folder)
    // shows in the figures: say how busy it is.
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        let cores =
            std::thread::available_parallelism().map_or(1, |n| n.get());
        let one_minute = load.split_whitespace().next().unwrap_or("?");
        println!("load average {one_minute} on {cores} cores");
    }
    let (b, r, _) = recheck(root, info);
    println!(
        "warm-up: build {:.2} s + run & grade {:.2} s",
        b.as_secs_f64(),
        r.as_secs_f64()
    );
    let mut totals = Vec::new();
    for round in 1..=ROUNDS {
        if INTERRUPTED.load(Ordering::SeqCst) {
            println!("interrupted: exercises/fetch_all.rs is put back");
            return;
        }
        // Warm means only the edit is new: whatever else changed since (another build in this
        // workspace, say) is built first, untimed.
        let _ = runner::build(root, EXERCISES_PACKAGE, &info.name, false);
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .expect("open the learner's file");
        writeln!(file, "// recheck bench: edit {round}").unwrap();
        drop(file);
        let (build, run, passed) = recheck(root, info);
        let total = build + run;
        totals.push(total);
        println!(
            "edit {round}: re-check {:.2} s (build {:.2} s, run & grade {:.2} s){}",
            total.as_secs_f64(),
            build.as_secs_f64(),
            run.as_secs_f64(),
            if passed {
                ", passed"
            } else {
                ", not passed yet"
            }
        );
    }
    totals.sort();
    let median = totals[totals.len() / 2];
    println!(
        "median re-check after a one-line edit: {:.2} s (target ≤ {} s: {})",
        median.as_secs_f64(),
        TARGET.as_secs(),
        if median <= TARGET { "met" } else { "MISSED" }
    );
}
