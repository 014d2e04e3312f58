//! Exercise `predict_the_winner` (lesson 13): the learner predicts which runtime finishes each
//! of three workloads first; the kit runs them for real on a current_thread runtime and on a
//! multi_thread one with 2 workers (both on the real clock), and records prediction and
//! measurement side by side.

use super::find_the_blocker::compute_for;
use crate::exercise::harness::{self, Setup};
use crate::probe;
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};
use tokio::task::JoinSet;
use tokio::time::sleep;

const SETUP: Setup = Setup::new("predict_the_winner");

/// A prediction: which set-up finishes the workload first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Runtime {
    /// Not answered yet.
    TODO,
    /// `current_thread`: one thread runs every task.
    CurrentThread,
    /// `multi_thread` with 2 worker threads.
    MultiThread,
    /// Within 40% of each other: neither really wins.
    Same,
}

impl Runtime {
    fn name(self) -> &'static str {
        match self {
            Runtime::TODO => "TODO",
            Runtime::CurrentThread => "CurrentThread",
            Runtime::MultiThread => "MultiThread",
            Runtime::Same => "Same",
        }
    }
}

/// How much faster one set-up must be to win: 40%. The CPU-bound workload is about 2× faster
/// on two workers; the others take the same time on both.
const WIN_RATIO: f64 = 1.4;

type Work = Pin<Box<dyn Future<Output = ()> + Send>>;

/// 200 tasks, each waiting 200 ms (a network call), spawned at once.
fn io_bound() -> Work {
    Box::pin(async {
        let mut set = JoinSet::new();
        for _ in 0..200 {
            set.spawn(sleep(Duration::from_millis(200)));
        }
        set.join_all().await;
    })
}

/// 4 tasks, each computing for 150 ms without an await, spawned at once.
fn cpu_bound() -> Work {
    Box::pin(async {
        let mut set = JoinSet::new();
        for _ in 0..4 {
            set.spawn(async {
                compute_for(150);
            });
        }
        set.join_all().await;
    })
}

/// ONE task handles 4 requests with join_all: each waits 100 ms, then computes for 100 ms.
fn one_task() -> Work {
    Box::pin(async {
        let requests = (0..4).map(|_| async {
            sleep(Duration::from_millis(100)).await;
            compute_for(100);
        });
        let task = tokio::spawn(futures::future::join_all(requests));
        let _ = task.await;
    })
}

/// Wall time of one run of `work` on a fresh runtime (the runtime's start-up not counted).
fn time_on(multi: bool, work: fn() -> Work) -> Duration {
    let mut builder = if multi {
        let mut b = tokio::runtime::Builder::new_multi_thread();
        b.worker_threads(2);
        b
    } else {
        tokio::runtime::Builder::new_current_thread()
    };
    let runtime = builder
        .enable_all()
        .build()
        .expect("building a tokio runtime");
    let work = work();
    runtime.block_on(async {
        let start = Instant::now();
        work.await;
        start.elapsed()
    })
}

/// Which set-up won, from the two times.
fn winner(current: Duration, multi: Duration) -> Runtime {
    let ratio = current.as_secs_f64() / multi.as_secs_f64().max(1e-9);
    if ratio >= WIN_RATIO {
        Runtime::MultiThread
    } else if ratio <= 1.0 / WIN_RATIO {
        Runtime::CurrentThread
    } else {
        Runtime::Same
    }
}

/// Time `work` on both set-ups; a result close to a boundary is measured again (up to three
/// times, keeping each set-up's best time), so a busy machine does not decide it.
fn measure(work: fn() -> Work) -> (Duration, Duration) {
    let (mut current, mut multi) = (Duration::MAX, Duration::MAX);
    for _ in 0..3 {
        current = current.min(time_on(false, work));
        multi = multi.min(time_on(true, work));
        let ratio = current.as_secs_f64() / multi.as_secs_f64();
        let clear = !(1.15..1.7).contains(&ratio)
            && !(1.0 / 1.7..1.0 / 1.15).contains(&ratio);
        if clear {
            break;
        }
    }
    (current, multi)
}

/// Run the three workloads on both runtimes and record each prediction beside the
/// measured winner.
pub fn run(
    io_bound_guess: Runtime,
    cpu_bound_guess: Runtime,
    one_task_guess: Runtime,
) {
    let workloads = [
        ("io", io_bound_guess, io_bound as fn() -> Work),
        ("cpu", cpu_bound_guess, cpu_bound),
        ("one_task", one_task_guess, one_task),
    ];
    // Measured before the recorded run: the recorder stays out of the timing.
    let results: Vec<_> = workloads
        .into_iter()
        .map(|(key, guess, work)| {
            let (current, multi) = measure(work);
            (key, guess, current, multi)
        })
        .collect();
    harness::run(&SETUP, move |_ctx| {
        Box::pin(async move {
            for (key, guess, current, multi) in results {
                probe::set_value(&format!("predicted_{key}"), guess.name());
                probe::set_value(
                    &format!("measured_{key}"),
                    winner(current, multi).name(),
                );
                probe::set_value(
                    &format!("times_{key}"),
                    format!(
                        "current_thread {} ms, multi_thread {} ms",
                        current.as_millis(),
                        multi.as_millis()
                    ),
                );
            }
        })
    });
}
