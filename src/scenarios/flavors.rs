//! Concurrency vs parallelism: the same I/O-bound or CPU-bound tasks on a
//! current_thread runtime (one thread, like asyncio's event loop) or a
//! multi_thread one (N worker threads).

use super::heartbeat_cpu::{hash_job, rounds_for_ms};
use super::{Ctx, Flavor, KnobKind, KnobSpec, Knobs, Scenario};
use crate::probe;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::thread::ThreadId;
use tokio::task::JoinSet;
use tokio::time::sleep;

pub fn scenario() -> Scenario {
    Scenario {
        id: "flavors",
        title: "Concurrency vs parallelism: one thread or several",
        summary: "Four tasks, either waiting 1u each (I/O-bound) or \
                  hashing for about 100 ms each (CPU-bound), on a \
                  current_thread runtime or a multi_thread one. Waiting \
                  overlaps even on one thread: four waits take 1u. \
                  Computing only overlaps when there are several threads \
                  to compute on (on the virtual clock computing takes no \
                  time at all: compare `wall_ms`).",
        knobs: vec![
            KnobSpec {
                name: "runtime",
                kind: KnobKind::Choice(&["current_thread", "multi_thread"]),
                default: "current_thread",
                help: "one thread for every task (like asyncio's event \
                       loop), or a pool of worker threads (multi_thread \
                       runs on the real clock)",
            },
            KnobSpec {
                name: "workers",
                kind: KnobKind::Int { min: 1, max: 8 },
                default: "2",
                help: "how many worker threads a multi_thread runtime has",
            },
            KnobSpec {
                name: "load",
                kind: KnobKind::Choice(&["io", "cpu"]),
                default: "io",
                help: "what each task does: wait 1u (I/O-bound) or hash \
                       for about 100 ms of wall time (CPU-bound)",
            },
            KnobSpec {
                name: "tasks",
                kind: KnobKind::Int { min: 1, max: 16 },
                default: "4",
                help: "how many tasks run at once",
            },
        ],
        limit_units: 500.0,
        flavor,
        run: |ctx, knobs| Box::pin(run(ctx, knobs)),
    }
}

fn flavor(knobs: &Knobs) -> Flavor {
    if knobs.choice("runtime") == "multi_thread" {
        Flavor::MultiThread {
            workers: knobs.int("workers") as usize,
        }
    } else {
        Flavor::CurrentThread
    }
}

/// The OS threads that ran the tasks: inside a task,
/// `std::thread::current()` is the worker thread polling it right now.
#[derive(Clone, Default)]
struct Threads(Arc<Mutex<HashSet<ThreadId>>>);

impl Threads {
    fn note(&self) {
        self.0.lock().unwrap().insert(std::thread::current().id());
    }

    fn count(&self) -> usize {
        self.0.lock().unwrap().len()
    }
}

// lesson:start flavors
// The runtime is chosen before any task runs:
//   #[tokio::main(flavor = "current_thread")]   one thread, like asyncio
//   #[tokio::main(flavor = "multi_thread", worker_threads = 2)]
// asyncio runs every coroutine on one thread; and even Python threads
// cannot compute in parallel, since the GIL lets one thread at a time run
// Python code. tokio's multi_thread runtime polls tasks on several
// threads at the same moment: real parallelism.

/// I/O-bound: the task mostly waits, and while it waits its thread runs
/// other tasks: waits overlap even on one thread (concurrency).
async fn io_task(ctx: Ctx, threads: Threads) {
    threads.note();
    sleep(ctx.u(1.0)).await; // a network call, say
    threads.note(); // multi_thread: maybe another thread than before
}

/// CPU-bound: about 100 ms of hashing in one poll, no await. Its thread
/// does nothing else meanwhile: two such tasks only overlap on two
/// threads (parallelism).
async fn cpu_task(seed: u64, threads: Threads) {
    threads.note();
    std::hint::black_box(hash_job(seed, rounds_for_ms(100)));
}

async fn spawn_all(ctx: &Ctx, knobs: &Knobs, threads: &Threads) {
    let mut set = JoinSet::new();
    for n in 1..=knobs.int("tasks") as u64 {
        let threads = threads.clone();
        if knobs.choice("load") == "io" {
            let task = io_task(ctx.clone(), threads);
            probe::spawn_in(&mut set, &format!("io-{n}"), task);
        } else {
            let task = cpu_task(n, threads);
            probe::spawn_in(&mut set, &format!("cpu-{n}"), task);
        }
    }
    set.join_all().await; // all started at once; wait for every one
}
// lesson:end flavors

async fn run(ctx: Ctx, knobs: Knobs) {
    let threads = Threads::default();
    let start = tokio::time::Instant::now();
    let wall = std::time::Instant::now();
    spawn_all(&ctx, &knobs, &threads).await;
    let total = start.elapsed().as_secs_f64() / ctx.unit.as_secs_f64();
    probe::set_value("total_units", (total * 1000.0).round() / 1000.0);
    probe::set_value("wall_ms", wall.elapsed().as_millis() as u64);
    probe::set_value("threads_used", threads.count());
}
