//! What an exercise binary runs: the learner's code on a recorded runtime (paused clock, so a
//! grade never depends on the machine's load), then the trace handed back to `asyncscope
//! check` through a pipe it opened (a file descriptor, never a path another program could
//! replace), or shown as a timeline when the learner runs the binary directly.

use crate::run::{self, Ctx, Flavor, RunOptions, RunSetup, ScenarioFuture};
use crate::trace::recorder::PollWatch;
use crate::trace::{Clock, Trace, jsonl, recorder};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// The number of the file descriptor (a pipe) the parent wants the trace on.
pub const TRACE_ENV: &str = "ASYNCSCOPE_TRACE_OUT";

/// How the message starts when the trace cannot be handed back (the runner looks for it).
pub const HAND_BACK_FAILED: &str =
    "asyncscope: could not hand the trace back";

/// Set to a run's recorded `seed` to replay that run's inputs exactly.
pub const SEED_ENV: &str = "ASYNCSCOPE_SEED";

/// The inputs a kit varies from run to run (job and request lengths), so a solution that
/// is right only for one fixed input fails. Seeded from [`SEED_ENV`] when it is set, else
/// afresh; the seed is recorded in the trace as the value `seed`, so grading a given trace is
/// deterministic and a run can be replayed. (splitmix64: small, and the same on every machine.)
pub struct Inputs(u64);

impl Inputs {
    /// The run's inputs; records the seed. Call it inside the recorded run.
    pub fn for_run() -> Inputs {
        let seed = std::env::var(SEED_ENV)
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok())
            .unwrap_or_else(fresh_seed);
        crate::probe::set_value("seed", seed);
        Inputs(seed)
    }

    /// The inputs of a given seed, without recording it (for tests).
    pub fn from_seed(seed: u64) -> Inputs {
        Inputs(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A whole number in `low..=high`.
    pub fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.next_u64() % (high - low + 1)
    }
}

/// Lengths in tenths of a unit for `n` pieces of work done `slots` at a time: in every
/// `slots` in a row, one slow (1.4u to 1.6u) and the others quick (0.4u to 0.7u), the slow one
/// anywhere among them. Work done in fixed waves of `slots` then waits for each wave's slow
/// one while the other slots idle, and takes clearly longer than [`slots_tenths`] (a semaphore
/// or a pool), whatever the seed: with equal lengths the two looked the same.
pub fn waves_tenths(
    inputs: &mut Inputs,
    n: usize,
    slots: usize,
) -> Vec<u64> {
    let mut tenths = Vec::with_capacity(n);
    for wave in (0..n).step_by(slots.max(1)) {
        let size = slots.max(1).min(n - wave);
        let slow = inputs.between(0, size as u64 - 1) as usize;
        for i in 0..size {
            tenths.push(if i == slow {
                inputs.between(14, 16)
            } else {
                inputs.between(4, 7)
            });
        }
    }
    tenths
}

/// Record the lengths of a run's pieces of work under `lengths_key` and, as `slots_units`,
/// how long they take with `slots` at a time: the values the timing check compares against.
pub fn record_lengths(lengths_key: &str, tenths: &[u64], slots: usize) {
    let units = |t: u64| t as f64 / 10.0;
    crate::probe::set_value(
        lengths_key,
        serde_json::json!(
            tenths.iter().map(|t| units(*t)).collect::<Vec<_>>()
        ),
    );
    crate::probe::set_value(
        "slots_units",
        serde_json::json!(units(slots_tenths(tenths, slots))),
    );
}

/// How long work of these lengths takes with `slots` at a time, each piece started in order
/// as soon as a slot frees up (a semaphore, `buffer_unordered`, a pool of `slots` workers).
pub fn slots_tenths(tenths: &[u64], slots: usize) -> u64 {
    let mut free_at = vec![0u64; slots.max(1)];
    for t in tenths {
        if let Some(slot) = free_at.iter_mut().min() {
            *slot += t;
        }
    }
    free_at.into_iter().max().unwrap_or(0)
}

/// A seed that differs from run to run; under 2^53 so it survives a JSON reader that keeps
/// numbers as f64.
fn fresh_seed() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    let mut mix = Inputs(nanos ^ (u64::from(std::process::id()) << 32));
    mix.next_u64() & ((1 << 53) - 1)
}

/// How an exercise's code is run.
#[derive(Clone, Copy, Debug)]
pub struct Setup {
    pub name: &'static str,
    pub flavor: Flavor,
    /// Runtime-clock ms per unit.
    pub unit_ms: f64,
    /// Stopped after this many units (a deadlock ends here, with a trace that names it).
    pub limit_units: f64,
    /// Threads the blocking pool may start (`None`: tokio's default).
    pub max_blocking_threads: Option<usize>,
}

impl Setup {
    pub const fn new(name: &'static str) -> Setup {
        Setup {
            name,
            flavor: Flavor::CurrentThread,
            unit_ms: 1000.0,
            limit_units: 60.0,
            max_blocking_threads: None,
        }
    }
}

/// Run `body` recorded, then hand its trace over. Exits the process with 2 if the trace
/// cannot be written (the parent then reports it).
pub fn run(setup: &Setup, body: impl FnOnce(Ctx) -> ScenarioFuture) {
    recorder::install();
    if std::env::var_os(TRACE_ENV).is_some() {
        // Under `check`: lets the runner tell an exit in the middle of the run from a `main`
        // that never started one.
        eprintln!("{RUN_STARTED}");
    }
    let run_setup = RunSetup {
        id: setup.name,
        title: setup.name,
        flavor: setup.flavor,
        limit_units: setup.limit_units,
        knobs: BTreeMap::new(),
        max_blocking_threads: setup.max_blocking_threads,
    };
    let options = RunOptions {
        clock: Clock::Paused,
        unit_ms: setup.unit_ms,
        knobs: Vec::new(),
    };
    let watched = |_: &_, _: &_| {
        if let Some(watch) = recorder::watch_current_thread() {
            start_watchdog(watch);
        }
    };
    let trace = match run::run_body_observed(
        &run_setup, &options, body, watched,
    ) {
        Ok(trace) => trace,
        Err(e) => {
            eprintln!("asyncscope: could not run the exercise: {e}");
            std::process::exit(2);
        }
    };
    match std::env::var_os(TRACE_ENV) {
        Some(fd) => {
            let written = match hand_back_file(&fd) {
                Some(pipe) => jsonl::write(&trace, pipe),
                None => Err(std::io::Error::other(format!(
                    "{TRACE_ENV} is not the number of an open pipe"
                ))),
            };
            if let Err(e) = written {
                eprintln!("{HAND_BACK_FAILED}: {e}");
                std::process::exit(2);
            }
        }
        None => save_for_the_learner(setup.name, &trace),
    }
}

/// Run directly (`cargo run --bin NAME`), the binary keeps its trace beside itself in the
/// build folder and says how to see and grade it: drawing a timeline is the app's work, and
/// this crate stays small.
fn save_for_the_learner(name: &str, trace: &Trace) {
    let path = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.join(format!("{name}.trace.jsonl"))))
        .unwrap_or_else(|| format!("{name}.trace.jsonl").into());
    let saved = std::fs::File::create(&path)
        .and_then(|file| jsonl::write(trace, std::io::BufWriter::new(file)));
    match saved {
        Ok(()) => println!(
            "This run ({} tasks) is saved in {}.
             See its timeline: asyncscope --open {}
             Grade it:         asyncscope check {name}",
            trace.tasks.len(),
            path.display(),
            path.display()
        ),
        Err(e) => {
            eprintln!("asyncscope: could not save this run in {}: {e}", path.display());
            println!("Grade it: asyncscope check {name}");
        }
    }
}

/// The hand-back pipe `asyncscope check` opened for this process (its descriptor number in
/// `value`), reopened through `/dev/fd` so no unsafe code is needed. `None` when it is not an
/// open pipe.
fn hand_back_file(value: &std::ffi::OsStr) -> Option<std::fs::File> {
    use std::os::unix::fs::FileTypeExt;
    let fd: u32 = value.to_str()?.parse().ok()?;
    if fd < 3 {
        return None;
    }
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(format!("/dev/fd/{fd}"))
        .ok()?;
    file.metadata().ok()?.file_type().is_fifo().then_some(file)
}

/// Written to stderr as the run starts, when the trace is to be handed back.
pub const RUN_STARTED: &str = "asyncscope: the run has started";

/// How long one poll may hold the runtime thread before the watchdog tells: far past any
/// poll an exercise needs (a few hundred ms at most), and before any exercise's time limit.
const STUCK_AFTER: Duration = Duration::from_secs(3);

/// How the watchdog's line on stderr starts; the rest is a [`StuckPoll`] as JSON.
pub const STUCK_POLL: &str = "asyncscope: stuck in one poll: ";

/// A poll that never ended: the run will be stopped at its time limit, and this says where
/// it was stuck, for the learner.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StuckPoll {
    /// The task in that poll ("main": the learner's function, called by the kit).
    pub task: String,
    /// Where the task was spawned, "file:line", when the learner spawned it.
    pub spawned_at: Option<String>,
    /// How long the poll had lasted when the watchdog looked, in seconds.
    pub seconds: f64,
    /// Whether the thread was computing (a loop that never yields) rather than asleep in a
    /// blocking call; `None` when the platform does not say.
    pub spinning: Option<bool>,
}

impl StuckPoll {
    /// The watchdog's report in `stderr`, if it made one.
    pub fn find(stderr: &str) -> Option<StuckPoll> {
        stderr
            .lines()
            .find_map(|l| l.strip_prefix(STUCK_POLL))
            .and_then(|json| serde_json::from_str(json).ok())
    }

    /// One sentence, continuing "your program did not finish within 10 s and was stopped: ".
    pub fn sentence(&self) -> String {
        let whose = match (&self.spawned_at, self.task.as_str()) {
            (Some(at), task) => format!("`{task}` (spawned at {at})"),
            (None, "main") => {
                "`main` (your function, called by the kit)".to_string()
            }
            (None, task) => format!("`{task}`"),
        };
        // The watchdog looked after a few seconds; the poll went on until the run was stopped.
        let held = format!("more than {:.0} s", self.seconds.floor());
        match self.spinning {
            Some(true) => format!(
                "one poll of {whose} kept the runtime thread computing for {held} without \
                 reaching an .await that waits: a loop that never yields (busy-polling a flag \
                 or a `try_recv`?); await the thing itself, or `tokio::task::yield_now().await` \
                 inside the loop"
            ),
            Some(false) => format!(
                "one poll of {whose} blocked the runtime thread for {held}, asleep in a \
                 blocking call (`std::thread::sleep`, a std `Mutex`, `block_on` inside async, a \
                 std channel's `recv`), so nothing else could run; use the async version and \
                 .await it"
            ),
            None => format!(
                "one poll of {whose} held the runtime thread for {held}, so nothing else could \
                 run: a blocking call or a loop that never reaches an .await"
            ),
        }
    }
}

/// Watch the runtime thread (the current one) from a thread of its own: once one poll has
/// held it for [`STUCK_AFTER`], say on stderr which one, and whether the thread computes or
/// sleeps. The run goes on until its time limit stops it; then the runner tells the learner.
fn start_watchdog(watch: Arc<PollWatch>) {
    let runtime_thread = this_thread_id();
    let watchdog = std::thread::Builder::new()
        .name("asyncscope-watchdog".into())
        .spawn(move || {
            loop {
                std::thread::sleep(Duration::from_millis(200));
                let Some((task, held)) = watch.in_poll() else {
                    continue;
                };
                if held < STUCK_AFTER {
                    continue;
                }
                let spinning = runtime_thread.and_then(|tid| {
                    // Mostly running when sampled: computing; mostly asleep: blocked.
                    let mut states = Vec::new();
                    for _ in 0..10 {
                        states.extend(thread_state(tid));
                        std::thread::sleep(Duration::from_millis(20));
                    }
                    let running =
                        states.iter().filter(|s| **s == 'R').count();
                    (!states.is_empty())
                        .then(|| running * 2 >= states.len())
                });
                // Still the same poll: it was not ending just as we sampled it.
                match watch.in_poll() {
                    Some((now, _)) if now.idx == task.idx => {}
                    _ => continue,
                }
                let report = StuckPoll {
                    task: task.label(),
                    spawned_at: (task.kind
                        != crate::trace::TaskKind::BlockOn)
                        .then_some(task.spawned_at.as_ref())
                        .flatten()
                        .map(|l| format!("{}:{}", l.file, l.line)),
                    seconds: held.as_secs_f64(),
                    spinning,
                };
                if let Ok(json) = serde_json::to_string(&report) {
                    eprintln!("{STUCK_POLL}{json}");
                }
                return;
            }
        });
    // Without a watchdog a stuck run is still stopped at its limit, only told less.
    drop(watchdog);
}

/// The kernel's id of the current thread, from `/proc/thread-self` (Linux).
fn this_thread_id() -> Option<u32> {
    let link = std::fs::read_link("/proc/thread-self").ok()?;
    link.file_name()?.to_str()?.parse().ok()
}

/// The scheduler state of thread `tid` of this process: 'R' running, 'S' asleep, …
fn thread_state(tid: u32) -> Option<char> {
    let stat =
        std::fs::read_to_string(format!("/proc/self/task/{tid}/stat"))
            .ok()?;
    // "tid (name) S …": the name may hold spaces and parentheses; the state follows the last ')'.
    stat.rsplit_once(')')?.1.trim_start().chars().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Waves wait for each wave's slowest piece: they must miss the bound the checks allow a
    /// semaphore or a pool (1.05 × its schedule) on every seed, for the crawler's 12 requests
    /// 3 at a time and the worker pool's 20 jobs 5 at a time.
    #[test]
    fn waves_are_always_clearly_slower_than_slots() {
        for (n, slots) in [(12, 3), (20, 5)] {
            for seed in 0..5_000 {
                let t =
                    waves_tenths(&mut Inputs::from_seed(seed), n, slots);
                assert_eq!(t.len(), n);
                let waves: u64 =
                    t.chunks(slots).map(|w| *w.iter().max().unwrap()).sum();
                let best = slots_tenths(&t, slots);
                assert!(
                    waves as f64 > 1.05 * best as f64 + 1.0,
                    "seed {seed}: {t:?} waves {waves} slots {best}"
                );
            }
        }
    }
}
