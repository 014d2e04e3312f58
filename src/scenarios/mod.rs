//! Lesson scenarios: small async programs run on a real, recorded tokio runtime.
//!
//! Each scenario declares typed knobs; [`run`] builds the runtime it asks for, starts the
//! recorder, runs the scenario under a time limit and returns its trace.

mod barrier;
mod blocking_heartbeat;
mod breaker;
mod breakfast;
mod cancel_at;
mod deadlock;
mod event;
mod fetch_three;
mod flavors;
mod heartbeat_cpu;
mod interleave;
mod join_modes;
mod leak;
mod load;
mod lost_update;
mod one_sentinel;
mod queue;
mod retry;
mod runtime_tour;
mod select_race;
mod semaphore;
mod shutdown;
mod stream;
mod timeouts;
mod token_bucket;

use crate::probe::{self, IdleMeter};
use crate::trace::recorder::{self, Session};
use crate::trace::{Clock, Header, Trace};
use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// The kind and range of a knob.
#[derive(Clone, Debug)]
pub enum KnobKind {
    Int { min: i64, max: i64 },
    Float { min: f64, max: f64 },
    Choice(&'static [&'static str]),
    Bool,
}

/// A knob's value once parsed and checked.
#[derive(Clone, Debug, PartialEq)]
pub enum KnobValue {
    Int(i64),
    Float(f64),
    Choice(String),
    Bool(bool),
}

impl fmt::Display for KnobValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KnobValue::Int(v) => write!(f, "{v}"),
            KnobValue::Float(v) => write!(f, "{v}"),
            KnobValue::Choice(v) => write!(f, "{v}"),
            KnobValue::Bool(v) => write!(f, "{v}"),
        }
    }
}

#[derive(Clone, Debug)]
pub struct KnobSpec {
    pub name: &'static str,
    pub kind: KnobKind,
    pub default: &'static str,
    pub help: &'static str,
}

impl KnobSpec {
    /// Parse and range-check a value given on the command line or in a lesson file.
    pub fn parse(&self, text: &str) -> Result<KnobValue, String> {
        let text = text.trim();
        match &self.kind {
            KnobKind::Int { min, max } => {
                let v: i64 = text.parse().map_err(|_| {
                    format!("`{text}` is not a whole number")
                })?;
                if v < *min || v > *max {
                    return Err(format!("{v} is outside {min}..={max}"));
                }
                Ok(KnobValue::Int(v))
            }
            KnobKind::Float { min, max } => {
                let v: f64 = text
                    .parse()
                    .map_err(|_| format!("`{text}` is not a number"))?;
                if !v.is_finite() || v < *min || v > *max {
                    return Err(format!("{v} is outside {min}..={max}"));
                }
                Ok(KnobValue::Float(v))
            }
            KnobKind::Choice(options) => options
                .iter()
                .find(|o| o.eq_ignore_ascii_case(text))
                .map(|o| KnobValue::Choice(o.to_string()))
                .ok_or_else(|| {
                    format!(
                        "`{text}` is not one of: {}",
                        options.join(", ")
                    )
                }),
            KnobKind::Bool => match text {
                "true" | "yes" | "on" | "1" => Ok(KnobValue::Bool(true)),
                "false" | "no" | "off" | "0" => Ok(KnobValue::Bool(false)),
                _ => Err(format!("`{text}` is not true or false")),
            },
        }
    }

    /// "0..=100", "together | sequential", "true | false": for help text.
    pub fn range_text(&self) -> String {
        match &self.kind {
            KnobKind::Int { min, max } => format!("{min}..={max}"),
            KnobKind::Float { min, max } => format!("{min}..={max}"),
            KnobKind::Choice(options) => options.join(" | "),
            KnobKind::Bool => "true | false".to_string(),
        }
    }
}

/// The knob values of one run, every knob present.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Knobs(BTreeMap<String, KnobValue>);

impl Knobs {
    /// Defaults, overridden by `name=value` settings; unknown names and bad values are errors.
    pub fn resolve(
        spec: &Scenario,
        settings: &[(String, String)],
    ) -> Result<Knobs, String> {
        let mut values = BTreeMap::new();
        for k in &spec.knobs {
            let v = k.parse(k.default).map_err(|e| {
                format!("default of knob `{}`: {e}", k.name)
            })?;
            values.insert(k.name.to_string(), v);
        }
        for (name, text) in settings {
            let Some(k) = spec.knobs.iter().find(|k| k.name == name) else {
                let known: Vec<&str> =
                    spec.knobs.iter().map(|k| k.name).collect();
                return Err(if known.is_empty() {
                    format!(
                        "scenario `{}` has no knobs (asked for `{name}`)",
                        spec.id
                    )
                } else {
                    format!(
                        "scenario `{}` has no knob `{name}`; its knobs are: {}",
                        spec.id,
                        known.join(", ")
                    )
                });
            };
            let v = k.parse(text).map_err(|e| {
                format!("knob `{name}`: {e} (allowed: {})", k.range_text())
            })?;
            values.insert(name.clone(), v);
        }
        Ok(Knobs(values))
    }

    pub fn int(&self, name: &str) -> i64 {
        match self.0.get(name) {
            Some(KnobValue::Int(v)) => *v,
            other => panic!("knob {name} is not an int: {other:?}"),
        }
    }

    pub fn float(&self, name: &str) -> f64 {
        match self.0.get(name) {
            Some(KnobValue::Float(v)) => *v,
            Some(KnobValue::Int(v)) => *v as f64,
            other => panic!("knob {name} is not a number: {other:?}"),
        }
    }

    pub fn choice(&self, name: &str) -> &str {
        match self.0.get(name) {
            Some(KnobValue::Choice(v)) => v,
            other => panic!("knob {name} is not a choice: {other:?}"),
        }
    }

    pub fn flag(&self, name: &str) -> bool {
        match self.0.get(name) {
            Some(KnobValue::Bool(v)) => *v,
            other => panic!("knob {name} is not a bool: {other:?}"),
        }
    }

    pub fn as_strings(&self) -> BTreeMap<String, String> {
        self.0
            .iter()
            .map(|(k, v)| (k.clone(), v.to_string()))
            .collect()
    }
}

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

/// A registered scenario.
pub struct Scenario {
    pub id: &'static str,
    pub title: &'static str,
    /// One or two sentences: what it shows.
    pub summary: &'static str,
    pub knobs: Vec<KnobSpec>,
    /// The longest a run may take, in time units, before it is stopped (a deadlock, say).
    pub limit_units: f64,
    pub flavor: fn(&Knobs) -> Flavor,
    pub run: fn(Ctx, Knobs) -> ScenarioFuture,
}

/// Every scenario, in lesson order.
pub fn registry() -> Vec<Scenario> {
    vec![
        breakfast::scenario(),
        fetch_three::scenario(),
        interleave::scenario(),
        join_modes::scenario(),
        select_race::scenario(),
        cancel_at::scenario(),
        timeouts::scenario(),
        retry::scenario(),
        breaker::scenario(),
        lost_update::scenario(),
        deadlock::scenario(),
        semaphore::scenario(),
        token_bucket::scenario(),
        queue::scenario(),
        one_sentinel::scenario(),
        barrier::scenario(),
        event::scenario(),
        stream::scenario(),
        blocking_heartbeat::scenario(),
        heartbeat_cpu::scenario(),
        flavors::scenario(),
        leak::scenario(),
        shutdown::scenario(),
        runtime_tour::scenario(),
        load::many_tasks(),
        load::many_polls(),
    ]
}

/// Each scenario's source file, compiled in, so a lesson shows exactly the code that runs.
const SOURCES: &[(&str, &str)] = &[
    ("breakfast", include_str!("breakfast.rs")),
    ("fetch-three", include_str!("fetch_three.rs")),
    ("interleave", include_str!("interleave.rs")),
    ("join-modes", include_str!("join_modes.rs")),
    ("select-race", include_str!("select_race.rs")),
    ("cancel-at", include_str!("cancel_at.rs")),
    ("timeouts", include_str!("timeouts.rs")),
    ("retry", include_str!("retry.rs")),
    ("breaker", include_str!("breaker.rs")),
    ("lost-update", include_str!("lost_update.rs")),
    ("deadlock", include_str!("deadlock.rs")),
    ("semaphore", include_str!("semaphore.rs")),
    ("token-bucket", include_str!("token_bucket.rs")),
    ("queue", include_str!("queue.rs")),
    ("one-sentinel", include_str!("one_sentinel.rs")),
    ("barrier", include_str!("barrier.rs")),
    ("event", include_str!("event.rs")),
    ("stream", include_str!("stream.rs")),
    ("blocking-heartbeat", include_str!("blocking_heartbeat.rs")),
    ("heartbeat-cpu", include_str!("heartbeat_cpu.rs")),
    ("flavors", include_str!("flavors.rs")),
    ("leak", include_str!("leak.rs")),
    ("shutdown", include_str!("shutdown.rs")),
    ("runtime-tour", include_str!("runtime_tour.rs")),
    ("many-tasks", include_str!("load.rs")),
    ("many-polls", include_str!("load.rs")),
];

/// The code a lesson shows for scenario `id`: the lines between `// lesson:start <id>` and
/// `// lesson:end <id>` in its source, without their common indentation.
pub fn lesson_code(id: &str) -> Option<String> {
    let source = SOURCES.iter().find(|(i, _)| *i == id)?.1;
    marked_region(
        source,
        &format!("// lesson:start {id}"),
        &format!("// lesson:end {id}"),
    )
}

/// The lines of `source` between a `start` and an `end` marker line, dedented (the code a
/// lesson prints); `None` if the markers are missing or nothing is between them. Lessons'
/// asyncio files are cut the same way.
pub fn marked_region(
    source: &str,
    start: &str,
    end: &str,
) -> Option<String> {
    let mut lines = source.lines().skip_while(|l| l.trim() != start);
    lines.next()?;
    let region: Vec<&str> = lines.take_while(|l| l.trim() != end).collect();
    if region.iter().all(|l| l.trim().is_empty()) {
        return None;
    }
    let indent = region
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let text: Vec<&str> = region
        .iter()
        .map(|l| {
            if l.len() >= indent {
                &l[indent..]
            } else {
                l.trim_start()
            }
        })
        .collect();
    Some(text.join("\n").trim_matches('\n').to_string())
}

pub fn find(id: &str) -> Option<Scenario> {
    registry().into_iter().find(|s| s.id == id)
}

/// The clock a run of scenario `id` with `options` will use (see [`Flavor::clock`]), or why
/// it cannot run: checked before anything is said about the run.
pub fn clock_of(id: &str, options: &RunOptions) -> Result<Clock, RunError> {
    let sc =
        find(id).ok_or_else(|| RunError::UnknownScenario(id.into()))?;
    let knobs =
        Knobs::resolve(&sc, &options.knobs).map_err(RunError::BadKnob)?;
    Ok((sc.flavor)(&knobs).clock(options.clock))
}

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
    UnknownScenario(String),
    BadKnob(String),
    BadOption(String),
    Runtime(std::io::Error),
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::UnknownScenario(id) => {
                let ids: Vec<&str> =
                    registry().iter().map(|s| s.id).collect();
                write!(
                    f,
                    "there is no scenario `{id}`; try one of: {}",
                    ids.join(", ")
                )
            }
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

/// Run a scenario by id on a fresh, recorded runtime and return its trace.
pub fn run(id: &str, options: &RunOptions) -> Result<Trace, RunError> {
    let scenario = find(id)
        .ok_or_else(|| RunError::UnknownScenario(id.to_string()))?;
    run_scenario(&scenario, options)
}

pub fn run_scenario(
    scenario: &Scenario,
    options: &RunOptions,
) -> Result<Trace, RunError> {
    run_scenario_observed(scenario, options, |_, _| {})
}

/// Like [`run_scenario`], handing `observe` the recording session (and the trace's header)
/// as the run starts, so a live view can read [`Session::snapshot`] while it goes on.
pub fn run_scenario_observed(
    scenario: &Scenario,
    options: &RunOptions,
    observe: impl FnOnce(&Session, &Header),
) -> Result<Trace, RunError> {
    let knobs = Knobs::resolve(scenario, &options.knobs)
        .map_err(RunError::BadKnob)?;
    let setup = RunSetup {
        id: scenario.id,
        title: scenario.title,
        flavor: (scenario.flavor)(&knobs),
        limit_units: scenario.limit_units,
        knobs: knobs.as_strings(),
        max_blocking_threads: None,
    };
    let run = scenario.run;
    run_body_observed(&setup, options, move |ctx| run(ctx, knobs), observe)
}

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
    recorder::install(false);

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

fn current_thread(_: &Knobs) -> Flavor {
    Flavor::CurrentThread
}
