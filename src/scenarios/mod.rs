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

use crate::trace::recorder::Session;
use crate::trace::{Clock, Header, Trace};
// How a body is run and recorded lives in the small crate, with the recorder; scenarios and
// exercises share it.
pub use asyncscope_kit::run::{
    Ctx, Flavor, RunError, RunOptions, RunSetup, ScenarioFuture,
    hook_runtime, run_body, run_body_observed,
};
use std::collections::BTreeMap;
use std::fmt;

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

/// The error for an id no scenario has, naming the ids there are.
pub fn unknown_scenario(id: &str) -> RunError {
    RunError::UnknownScenario {
        id: id.to_string(),
        known: registry().iter().map(|s| s.id).collect(),
    }
}

pub fn find(id: &str) -> Option<Scenario> {
    registry().into_iter().find(|s| s.id == id)
}

/// The clock a run of scenario `id` with `options` will use (see [`Flavor::clock`]), or why
/// it cannot run: checked before anything is said about the run.
pub fn clock_of(id: &str, options: &RunOptions) -> Result<Clock, RunError> {
    let sc = find(id).ok_or_else(|| unknown_scenario(id))?;
    let knobs =
        Knobs::resolve(&sc, &options.knobs).map_err(RunError::BadKnob)?;
    Ok((sc.flavor)(&knobs).clock(options.clock))
}

/// Run a scenario by id on a fresh, recorded runtime and return its trace.
pub fn run(id: &str, options: &RunOptions) -> Result<Trace, RunError> {
    let scenario = find(id).ok_or_else(|| unknown_scenario(id))?;
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

fn current_thread(_: &Knobs) -> Flavor {
    Flavor::CurrentThread
}
