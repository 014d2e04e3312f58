//! What an exercise binary runs: the learner's code on a recorded runtime (paused clock, so a
//! grade never depends on the machine's load), then the trace handed back to `asyncscope
//! check` through a pipe it opened (a file descriptor, never a path another program could
//! replace), or shown as a timeline when the learner runs the binary directly.

use crate::export;
use crate::scenarios::{
    self, Ctx, Flavor, RunOptions, RunSetup, ScenarioFuture,
};
use crate::timeline::Timeline;
use crate::trace::{Clock, jsonl, recorder};
use std::collections::BTreeMap;

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
}

impl Setup {
    pub const fn new(name: &'static str) -> Setup {
        Setup {
            name,
            flavor: Flavor::CurrentThread,
            unit_ms: 1000.0,
            limit_units: 60.0,
        }
    }
}

/// Run `body` recorded, then hand its trace over. Exits the process with 2 if the trace
/// cannot be written (the parent then reports it).
pub fn run(setup: &Setup, body: impl FnOnce(Ctx) -> ScenarioFuture) {
    recorder::install(false);
    let run_setup = RunSetup {
        id: setup.name,
        title: setup.name,
        flavor: setup.flavor,
        limit_units: setup.limit_units,
        knobs: BTreeMap::new(),
    };
    let options = RunOptions {
        clock: Clock::Paused,
        unit_ms: setup.unit_ms,
        knobs: Vec::new(),
    };
    let trace = match scenarios::run_body(&run_setup, &options, body) {
        Ok(trace) => trace,
        Err(e) => {
            eprintln!("asyncscope: could not run the exercise: {e}");
            std::process::exit(2);
        }
    };
    match std::env::var_os(TRACE_ENV) {
        Some(fd) => {
            let written = match crate::sandbox::hand_back_file(&fd) {
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
        None => {
            print!(
                "{}",
                export::text::render(&Timeline::from_trace(&trace), 80)
            );
            println!(
                "\nThis is your run. To grade it: asyncscope check {}",
                setup.name
            );
        }
    }
}
