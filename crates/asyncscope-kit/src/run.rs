//! Recording an async body on a fresh tokio runtime: the machinery under every lesson
//! scenario, every exercise run and [`crate::record::Recorder`]'s runtime hooks.

use crate::probe::{self, IdleMeter};
use crate::trace::recorder::{self, Session};
use crate::trace::{Clock, Header, Trace};
use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// Which runtime a scenario runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    CurrentThread,
    MultiThread { workers: usize },
}

impl Flavor {
    /// The clock a run asked to use `asked` really gets: tokio can pause only the clock of
    /// a current-thread runtime, so multi_thread runs are on the real clock.
    pub fn clock(self, asked: Clock) -> Clock {
        match self {
            Flavor::MultiThread { .. } => Clock::Real,
            Flavor::CurrentThread => asked,
        }
    }
}

/// What a running scenario gets: its time unit and the probes.
#[derive(Clone)]
pub struct Ctx {
    pub unit: Duration,
    pub clock: Clock,
    idle: Arc<IdleMeter>,
}

impl Ctx {
    /// `n` scenario time units.
    pub fn u(&self, n: f64) -> Duration {
        self.unit.mul_f64(n.max(0.0))
    }

    /// Start the heartbeat probe (a 10 ms tick whose lateness is recorded).
    pub fn start_heartbeat(&self) -> tokio::task::JoinHandle<()> {
        probe::start_heartbeat(
            Duration::from_millis(10),
            self.clock,
            self.idle.clone(),
        )
    }
}

pub type ScenarioFuture = Pin<Box<dyn Future<Output = ()> + Send>>;


/// How to run a scenario.
#[derive(Clone, Debug)]
pub struct RunOptions {
    pub clock: Clock,
    /// Milliseconds of runtime clock per scenario unit.
    pub unit_ms: f64,
    pub knobs: Vec<(String, String)>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            clock: Clock::Real,
            unit_ms: 1000.0,
            knobs: Vec::new(),
        }
    }
}

impl RunOptions {
    pub fn virtual_time() -> Self {
        RunOptions {
            clock: Clock::Paused,
            ..RunOptions::default()
        }
    }

    pub fn knob(mut self, name: &str, value: &str) -> Self {
        self.knobs.push((name.to_string(), value.to_string()));
        self
    }
}

#[derive(Debug)]
pub enum RunError {
    /// No scenario has this id; the ids there are.
    UnknownScenario { id: String, known: Vec<&'static str> },
    BadKnob(String),
    BadOption(String),
    Runtime(std::io::Error),
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::UnknownScenario { id, known } => write!(
                f,
                "there is no scenario `{id}`; try one of: {}",
                known.join(", ")
            ),
            RunError::BadKnob(msg) | RunError::BadOption(msg) => {
                f.write_str(msg)
            }
            RunError::Runtime(e) => {
                write!(f, "could not build the tokio runtime: {e}")
            }
        }
    }
}

impl std::error::Error for RunError {}


/// What [`run_body`] needs to know about the code it records.
#[derive(Clone, Debug)]
pub struct RunSetup {
    pub id: &'static str,
    pub title: &'static str,
    pub flavor: Flavor,
    /// The longest the body may take, in units, before it is stopped.
    pub limit_units: f64,
    /// Shown in the trace's header.
    pub knobs: BTreeMap<String, String>,
    /// Threads the blocking pool may start (`None`: tokio's default, 512).
    pub max_blocking_threads: Option<usize>,
}

/// Record any async body (a scenario, a learner's exercise) on a fresh runtime.
pub fn run_body(
    setup: &RunSetup,
    options: &RunOptions,
    body: impl FnOnce(Ctx) -> ScenarioFuture,
) -> Result<Trace, RunError> {
    run_body_observed(setup, options, body, |_, _| {})
}

/// [`run_body`], calling `observe` on the runtime's thread, recording, just before the body
/// starts.
pub fn run_body_observed(
    setup: &RunSetup,
    options: &RunOptions,
    body: impl FnOnce(Ctx) -> ScenarioFuture,
    observe: impl FnOnce(&Session, &Header),
) -> Result<Trace, RunError> {
    if !(options.unit_ms.is_finite()
        && options.unit_ms > 0.0
        && options.unit_ms <= 60_000.0)
    {
        return Err(RunError::BadOption(format!(
            "the time unit must be between 0 and 60000 ms, not {}",
            options.unit_ms
        )));
    }
    let flavor = setup.flavor;
    let clock = flavor.clock(options.clock);
    recorder::install();

    let session = Session::new(clock);
    let workers = match flavor {
        Flavor::CurrentThread => 1,
        Flavor::MultiThread { workers } => workers,
    };
    let idle = IdleMeter::new(workers);
    let mut builder = match flavor {
        Flavor::CurrentThread => {
            tokio::runtime::Builder::new_current_thread()
        }
        Flavor::MultiThread { workers } => {
            let mut b = tokio::runtime::Builder::new_multi_thread();
            b.worker_threads(workers);
            b
        }
    };
    builder.enable_all().thread_name("asyncscope-rt");
    if let Some(n) = setup.max_blocking_threads {
        builder.max_blocking_threads(n);
    }
    // Same knobs, same run: a fixed seed makes tokio's random choices (which branch of an
    // unbiased `select!` is polled first) the same every time.
    builder.rng_seed(tokio::runtime::RngSeed::from_bytes(b"asyncscope"));
    if clock == Clock::Paused {
        builder.start_paused(true);
    }
    hook_runtime(&mut builder, &session, Some(idle.clone()));
    let runtime = builder.build().map_err(RunError::Runtime)?;

    session.attach_current_thread();
    {
        let _inside = runtime.enter();
        session.set_runtime_zero();
    }
    let unit = Duration::from_secs_f64(options.unit_ms / 1000.0);
    let ctx = Ctx {
        unit,
        clock,
        idle: idle.clone(),
    };
    let limit = {
        let _inside = runtime.enter();
        let timer = tokio::time::sleep(unit.mul_f64(setup.limit_units));
        recorder::mark_last_resource_as_probe();
        timer
    };
    let header = {
        let mut header = Header::new(setup.id, clock, options.unit_ms);
        header.title = setup.title.to_string();
        header.knobs = setup.knobs.clone();
        if let Flavor::MultiThread { workers } = flavor {
            header.flavor = "multi_thread".into();
            header.workers = workers;
        }
        header
    };
    observe(&session, &header);
    let body = body(ctx);
    runtime.block_on(probe::Tracked::new(async move {
        let mut body = std::pin::pin!(body);
        let timed_out = tokio::select! {
            biased;
            _ = limit => true,
            _ = &mut body => false,
        };
        // Recorded before the body is dropped, so what its drop wakes comes after the end.
        recorder::run_end(timed_out);
    }));
    // Whatever is still alive was leaked; shutting down drops (cancels) it, and that is recorded.
    runtime.shutdown_timeout(Duration::from_secs(1));

    Ok(session.finish(header))
}

/// Make every thread of the runtime `builder` builds record into `session` (flushing when it
/// parks), and `idle`, when given, count parked workers.
pub fn hook_runtime(
    builder: &mut tokio::runtime::Builder,
    session: &Session,
    idle: Option<Arc<IdleMeter>>,
) {
    let s = session.clone();
    builder.on_thread_start(move || s.attach_current_thread());
    builder.on_thread_stop(recorder::detach_current_thread);
    let on_park = idle.clone();
    builder.on_thread_park(move || {
        recorder::flush_current_thread();
        if let Some(idle) = &on_park {
            idle.on_park();
        }
    });
    if let Some(idle) = idle {
        builder.on_thread_unpark(move || idle.on_unpark());
    }
}

