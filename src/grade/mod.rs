//! Checks over a run's timeline, each with a message a learner understands.
//!
//! An exercise lists its checks in `exercises/info.toml`; the grader reads only the timeline
//! (and the values the exercise's kit recorded), so what a learner sees on their timeline is
//! exactly what was graded.

use crate::timeline::{End, PollSpan, Stamp, Timeline};
use crate::trace::{Location, TaskKind};
use crate::view::lints::{self, Lint};
use serde::Deserialize;

/// One check and its parameters, as written in `info.toml`: `{ check = "no_leaks" }`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(tag = "check", rename_all = "snake_case", deny_unknown_fields)]
pub enum Check {
    /// The run ended by itself: no time-out, no deadlock.
    Finishes,
    /// A value the exercise recorded equals another (e.g. results vs expected).
    ValuesEqual {
        key: String,
        expected: String,
        /// What it means when they differ, for the learner.
        message: String,
        /// Whether a failure shows the expected value; `false` where it is the answer the
        /// learner must find (a message never gives the answer away).
        #[serde(default = "yes")]
        reveal: bool,
        /// Said instead of `message` when the value falls short: every number in it at most
        /// the expected one (too few pages, answered too early), a different mistake.
        #[serde(default)]
        fewer: Option<String>,
    },
    /// Every wait labelled `label…` (the value `expected` says how many) ran to its end
    /// before `function` returned (the kit's mark "`function` returned"); the value `done`
    /// counts those that completed.
    AllDone {
        label: String,
        function: String,
        done: String,
        expected: String,
    },
    /// A value the exercise recorded is exactly this.
    ValueIs {
        key: String,
        is: serde_json::Value,
        message: String,
        /// Said instead of `message` when the value falls short of `is` (see `ValuesEqual`).
        #[serde(default)]
        fewer: Option<String>,
    },
    /// At least `at_least` of the waits labelled `label…` were in flight at the same time.
    WaitsOverlap { label: String, at_least: usize },
    /// The run took at most `factor` × the value `of` (in units), or `units` outright.
    TotalAtMost {
        #[serde(default)]
        units: Option<f64>,
        #[serde(default)]
        of: Option<String>,
        #[serde(default = "one")]
        factor: f64,
        /// What being too slow means in this exercise (default: a generic sentence).
        #[serde(default)]
        message: Option<String>,
    },
    /// No poll held the runtime thread longer than this (wall clock).
    NotBlocking { max_poll_ms: f64 },
    /// Every task spawned by the exercise had ended when it returned.
    NoLeaks,
    /// The run did not end stuck with tasks waiting on each other.
    NoDeadlock,
    /// No task panicked.
    NoPanics,
    /// At most `max` tasks named `prefix…` were alive at once.
    PeakAtMost { prefix: String, max: usize },
    /// At least `min` tasks named `prefix…` were alive at once (the limit was used).
    PeakAtLeast { prefix: String, min: usize },
    /// At least `count` tasks named `prefix…` ran (were polled at least once).
    TasksRan { prefix: String, count: usize },
    /// Every task named `prefix…` ended with `outcome`.
    Outcomes { prefix: String, outcome: String },
    /// Marks starting with `mark` happened at these times (units), within `tolerance`.
    MarksAt {
        mark: String,
        at: Vec<f64>,
        #[serde(default = "tenth")]
        tolerance: f64,
    },
    /// Heartbeat lag stayed under `ms` at the `percentile`.
    LagBelow {
        ms: f64,
        #[serde(default = "p99")]
        percentile: f64,
    },
}

/// The value in which a Python exercise's run lists the tasks whose exception escaped the
/// program (the recorder's `asyncscope.ESCAPED_KEY`).
pub const ESCAPED_KEY: &str = "exceptions_escaped";

fn yes() -> bool {
    true
}
fn one() -> f64 {
    1.0
}
fn tenth() -> f64 {
    0.1
}
fn p99() -> f64 {
    99.0
}

/// A check's verdict.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct CheckResult {
    pub id: String,
    pub passed: bool,
    pub message: String,
}

impl Check {
    /// Whether the check's numbers make sense, before any run is graded with it: a NaN
    /// factor or a percentile of 500 in a hand-edited `info.toml` would otherwise fail every
    /// learner with a puzzling message.
    pub fn validate(&self) -> Result<(), String> {
        let positive = |name: &str, v: f64| {
            if v.is_finite() && v > 0.0 {
                Ok(())
            } else {
                Err(format!("`{name}` must be a number above 0, not {v}"))
            }
        };
        let named = |prefix: &str| {
            if prefix.is_empty() {
                Err("`prefix` must not be empty: it names the tasks".into())
            } else {
                Ok(())
            }
        };
        match self {
            Check::TotalAtMost {
                units, of, factor, ..
            } => {
                positive("factor", *factor)?;
                match (units, of) {
                    (Some(u), _) => positive("units", *u),
                    (None, Some(_)) => Ok(()),
                    (None, None) => Err("give `units` or `of`".into()),
                }
            }
            Check::NotBlocking { max_poll_ms } => {
                positive("max_poll_ms", *max_poll_ms)
            }
            Check::WaitsOverlap { at_least, .. } if *at_least < 2 => {
                Err("`at_least` must be 2 or more: overlap needs two"
                    .into())
            }
            Check::PeakAtMost { prefix, .. }
            | Check::PeakAtLeast { prefix, .. }
            | Check::TasksRan { prefix, .. }
            | Check::Outcomes { prefix, .. } => named(prefix),
            Check::MarksAt { at, tolerance, .. } => {
                if !(tolerance.is_finite() && *tolerance >= 0.0) {
                    return Err(format!(
                        "`tolerance` must be 0 or more, not {tolerance}"
                    ));
                }
                match at.iter().find(|t| !(t.is_finite() && **t >= 0.0)) {
                    Some(t) => Err(format!(
                        "`at` times must be 0 or more, not {t}"
                    )),
                    None => Ok(()),
                }
            }
            Check::LagBelow { ms, percentile } => {
                positive("ms", *ms)?;
                if *percentile > 0.0 && *percentile <= 100.0 {
                    Ok(())
                } else {
                    Err(format!(
                        "`percentile` must be in (0, 100], not {percentile}"
                    ))
                }
            }
            _ => Ok(()),
        }
    }

    pub fn id(&self) -> String {
        match self {
            Check::Finishes => "finishes".into(),
            Check::ValuesEqual { key, .. } => format!("values_equal:{key}"),
            Check::AllDone { done, .. } => format!("all_done:{done}"),
            Check::ValueIs { key, .. } => format!("value_is:{key}"),
            Check::WaitsOverlap { .. } => "waits_overlap".into(),
            Check::TotalAtMost { .. } => "total_at_most".into(),
            Check::NotBlocking { .. } => "not_blocking".into(),
            Check::NoLeaks => "no_leaks".into(),
            Check::NoDeadlock => "no_deadlock".into(),
            Check::NoPanics => "no_panics".into(),
            Check::PeakAtMost { .. } => "peak_at_most".into(),
            Check::PeakAtLeast { .. } => "peak_at_least".into(),
            Check::TasksRan { .. } => "tasks_ran".into(),
            Check::Outcomes { .. } => "outcomes".into(),
            Check::MarksAt { .. } => "marks_at".into(),
            Check::LagBelow { .. } => "lag_below".into(),
        }
    }

    pub fn evaluate(&self, tl: &Timeline) -> CheckResult {
        let (passed, message) = self.judge(tl);
        CheckResult {
            id: self.id(),
            passed,
            message,
        }
    }

    fn judge(&self, tl: &Timeline) -> (bool, String) {
        let total = tl.units(tl.finish_stamp().rt_ns);
        match self {
            Check::Finishes => {
                if tl.timed_out {
                    let mut lints = vec![Lint::TimedOut {
                        at: tl.finish_stamp(),
                    }];
                    lints.extend(tl.deadlock().map(Lint::Deadlock));
                    let mut words: Vec<String> = lints
                        .iter()
                        .map(|l| l.sentence(tl, true))
                        .collect();
                    words.extend(stuck_on_channel(tl));
                    (false, words.join(": "))
                } else {
                    (
                        true,
                        "ran to its end: no time-out, no deadlock".into(),
                    )
                }
            }
            Check::ValuesEqual {
                key,
                expected,
                message,
                reveal,
                fewer,
            } => {
                let got = tl.values.get(key);
                let want = tl.values.get(expected);
                let message = match (got, want, fewer) {
                    (Some(g), Some(w), Some(fewer)) if at_most(g, w) => {
                        fewer
                    }
                    _ => message,
                };
                match (got, want) {
                    (Some(g), Some(w)) if g == w => {
                        (true, format!("`{key}` is as expected"))
                    }
                    (Some(g), Some(_)) if !reveal => {
                        (false, format!("{message} (you answered {g})"))
                    }
                    (Some(g), Some(w)) => (
                        false,
                        format!("{message} (got {g}, expected {w})"),
                    ),
                    _ => (
                        false,
                        format!(
                            "{message} (your code did not return a result)"
                        ),
                    ),
                }
            }
            Check::AllDone {
                label,
                function,
                done,
                expected,
            } => all_done(tl, label, function, done, expected),
            Check::ValueIs {
                key,
                is,
                message,
                fewer,
            } => match tl.values.get(key) {
                Some(v) if v == is => (true, format!("{key} is {v}")),
                Some(v) if fewer.is_some() && at_most(v, is) => (
                    false,
                    format!(
                        "{} ({key} is {v}, expected {is})",
                        fewer.as_deref().unwrap_or(message)
                    ),
                ),
                Some(v) => (
                    false,
                    format!("{message} ({key} is {v}, expected {is})"),
                ),
                None => {
                    (false, format!("{message} (no {key} was recorded)"))
                }
            },
            Check::WaitsOverlap { label, at_least } => {
                let (peak, count) = peak_waits(tl, label);
                if count == 0 {
                    (false, no_waits(tl, label))
                } else if peak >= *at_least {
                    (
                        true,
                        format!(
                            "{peak} of the {count} `{label}` waits overlapped"
                        ),
                    )
                } else if peak <= 1 && count > 1 {
                    let sum: f64 = waits(tl, label)
                        .map(|(s, e)| {
                            tl.units(e.rt_ns.saturating_sub(s.rt_ns))
                        })
                        .sum();
                    (
                        false,
                        format!(
                            "the {count} `{label}` waits ran one after another: they took \
                             {total:.1}u in all, about the sum of their lengths ({sum:.1}u); \
                             started together they take about as long as the slowest{}",
                            where_hint(tl, label)
                        ),
                    )
                } else {
                    (
                        false,
                        format!(
                            "at most {peak} of the {count} `{label}` waits were in flight at \
                             once; {at_least} should overlap{}",
                            where_hint(tl, label)
                        ),
                    )
                }
            }
            Check::TotalAtMost {
                units,
                of,
                factor,
                message,
            } => {
                let bound = match (units, of) {
                    (Some(u), _) => Some(*u * factor),
                    (None, Some(key)) => tl
                        .values
                        .get(key)
                        .and_then(serde_json::Value::as_f64)
                        .map(|v| v * factor),
                    _ => None,
                };
                match bound {
                    // Nothing waited at all: a time that shows only that the work never ran.
                    Some(_) if total == 0.0 => (
                        false,
                        "took no time at all: none of the work ran, so there is no time to \
                         judge yet"
                            .into(),
                    ),
                    Some(b) if total <= b + 1e-9 => {
                        // Quick because it did not wait: say so beside the time, so this ✓
                        // does not read against the check that the work was all done.
                        let left = tl.leaks().len();
                        let caveat = match left {
                            0 => String::new(),
                            1 => ", not counting a task still running when it ended"
                                .into(),
                            n => format!(
                                ", not counting {n} tasks still running when it ended"
                            ),
                        };
                        (true, format!("took {total:.2}u (at most {b:.2}u){caveat}"))
                    }
                    Some(b) => (
                        false,
                        format!(
                            "took {total:.2}u; it should take at most {b:.2}u: {}{}",
                            too_slow_because(tl, b),
                            message
                                .as_deref()
                                .map(|m| format!("; {m}"))
                                .unwrap_or_default()
                        ),
                    ),
                    None => (
                        false,
                        "the exercise did not record its reference time"
                            .into(),
                    ),
                }
            }
            Check::NotBlocking { max_poll_ms } => {
                let limit_ns = (*max_poll_ms * 1e6) as u64;
                match longest_runtime_poll(tl) {
                    Some((task, poll)) => {
                        let t = &tl.tasks[task as usize];
                        match lints::blocked_runtime(t, limit_ns) {
                            Some(lint) => (false, lint.sentence(tl, true)),
                            None => (
                                true,
                                format!(
                                    "no poll held the thread long (longest {:.1} ms)",
                                    poll.wall_ns() as f64 / 1e6
                                ),
                            ),
                        }
                    }
                    None => (true, "nothing ran".into()),
                }
            }
            Check::NoLeaks => {
                let leaks = tl.leaks();
                if leaks.is_empty() {
                    (true, "every task you spawned had ended when your code returned".into())
                } else {
                    (
                        false,
                        Lint::Leaked { tasks: leaks }.sentence(tl, true),
                    )
                }
            }
            Check::NoDeadlock => match tl.deadlock() {
                Some(d) => (false, Lint::Deadlock(d).sentence(tl, true)),
                None => (true, "no deadlock".into()),
            },
            Check::NoPanics => {
                // asyncio: a task that raised into a task awaiting it returned an error (a
                // Rust Err); only exceptions that escaped the program count, when the run
                // recorded which (a Python exercise's kit does).
                let asyncio = lints::is_asyncio(tl);
                let escaped: Option<Vec<u64>> = asyncio
                    .then(|| {
                        tl.values.get(ESCAPED_KEY)?.as_array().cloned()
                    })
                    .flatten()
                    .map(|v| {
                        v.iter()
                            .filter_map(serde_json::Value::as_u64)
                            .collect()
                    });
                let panicked: Vec<u32> = tl
                    .scenario_tasks()
                    .filter(|t| t.end == End::Panicked)
                    .filter(|t| {
                        escaped.as_ref().is_none_or(|e| {
                            e.contains(&u64::from(t.info.idx))
                        })
                    })
                    .map(|t| t.info.idx)
                    .collect();
                match (panicked.is_empty(), asyncio) {
                    (true, false) => (true, "no task panicked".into()),
                    (true, true) => {
                        (true, "no exception escaped your code".into())
                    }
                    (false, false) => (
                        false,
                        format!("{} panicked", lints::names(tl, &panicked)),
                    ),
                    (false, true) => (
                        false,
                        format!(
                            "{} raised an exception that your code did not handle, and it \
                             ended the task: catch it where a failure is expected \
                             (try/except, or gather(..., return_exceptions=True))",
                            lints::names(tl, &panicked)
                        ),
                    ),
                }
            }
            Check::PeakAtMost { prefix, max } => {
                let (peak, at) = tl.peak_in_flight(Some(prefix));
                if peak <= *max {
                    (
                        true,
                        format!("at most {peak} `{prefix}` tasks at once"),
                    )
                } else {
                    (
                        false,
                        format!(
                            "{peak} `{prefix}` tasks were running at once at {:.2}u; the limit \
                             is {max}",
                            tl.units(at)
                        ),
                    )
                }
            }
            Check::PeakAtLeast { prefix, min } => {
                let (peak, _) = tl.peak_in_flight(Some(prefix));
                if peak >= *min {
                    (true, format!("{peak} `{prefix}` tasks ran at once"))
                } else {
                    (
                        false,
                        format!(
                            "only {peak} `{prefix}` task(s) ran at once; up to {min} may, so \
                             the work is more serial than it needs to be"
                        ),
                    )
                }
            }
            Check::TasksRan { prefix, count } => {
                let ran = tl
                    .scenario_tasks()
                    .filter(|t| {
                        t.info.name.starts_with(prefix.as_str())
                            && !t.polls.is_empty()
                    })
                    .count();
                if ran >= *count {
                    (true, format!("{ran} `{prefix}` tasks ran"))
                } else {
                    (
                        false,
                        format!(
                            "only {ran} of {count} `{prefix}` jobs ever ran: {}",
                            never_ran_because(tl)
                        ),
                    )
                }
            }
            Check::Outcomes { prefix, outcome } => {
                let wrong: Vec<u32> = tl
                    .scenario_tasks()
                    .filter(|t| t.info.name.starts_with(prefix.as_str()))
                    .filter(|t| t.end.as_str() != outcome)
                    .map(|t| t.info.idx)
                    .collect();
                if wrong.is_empty() {
                    (true, format!("every `{prefix}` task {outcome}"))
                } else {
                    let t = &tl.tasks[wrong[0] as usize];
                    (
                        false,
                        format!(
                            "{} ended {} instead of {outcome}",
                            lints::names(tl, &wrong),
                            t.end.as_str()
                        ),
                    )
                }
            }
            Check::MarksAt {
                mark,
                at,
                tolerance,
            } => {
                let seen: Vec<f64> = tl
                    .marks
                    .iter()
                    .filter(|m| m.text.starts_with(mark.as_str()))
                    .map(|m| tl.units(m.at.rt_ns))
                    .collect();
                let fmt = |v: &[f64]| {
                    v.iter()
                        .map(|x| format!("{x:.2}u"))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let ok = seen.len() == at.len()
                    && seen
                        .iter()
                        .zip(at)
                        .all(|(s, a)| (s - a).abs() <= *tolerance);
                if ok {
                    (true, format!("`{mark}` at {}", fmt(&seen)))
                } else {
                    (
                        false,
                        format!(
                            "`{mark}` happened at {}; expected at {}",
                            if seen.is_empty() {
                                "no time at all".into()
                            } else {
                                fmt(&seen)
                            },
                            fmt(at)
                        ),
                    )
                }
            }
            Check::LagBelow { ms, percentile } => match tl
                .heartbeat_lag_percentile(*percentile)
            {
                Some(us) if (us as f64) / 1000.0 < *ms => (
                    true,
                    format!(
                        "heartbeat lag p{percentile} {:.1} ms",
                        us as f64 / 1000.0
                    ),
                ),
                Some(us) => (
                    false,
                    format!(
                        "the runtime fell behind: heartbeat lag p{percentile} was {:.0} ms \
                         (should stay under {ms} ms){}",
                        us as f64 / 1000.0,
                        worst_gap(tl)
                    ),
                ),
                None => (false, "there was no heartbeat to measure".into()),
            },
        }
    }
}

/// Whether `got` has the shape of `want` with every number in it at most the expected one.
fn at_most(got: &serde_json::Value, want: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (got, want) {
        (Value::Number(g), Value::Number(w)) => {
            g.as_f64().zip(w.as_f64()).is_some_and(|(g, w)| g <= w)
        }
        (Value::Array(g), Value::Array(w)) => {
            g.len() == w.len()
                && g.iter().zip(w).all(|(g, w)| at_most(g, w))
        }
        (Value::Object(g), Value::Object(w)) => {
            g.len() == w.len()
                && g.iter()
                    .all(|(k, g)| w.get(k).is_some_and(|w| at_most(g, w)))
        }
        _ => false,
    }
}

/// Grade a run: every check, in order.
pub fn grade(checks: &[Check], tl: &Timeline) -> Vec<CheckResult> {
    checks.iter().map(|c| c.evaluate(tl)).collect()
}

/// The longest poll on a runtime thread, and whose it was. Work on the blocking pool
/// (spawn_blocking) runs on threads of its own: it never holds the runtime thread.
fn longest_runtime_poll(tl: &Timeline) -> Option<(u32, PollSpan)> {
    tl.tasks
        .iter()
        .filter(|t| t.info.kind != TaskKind::Blocking)
        .flat_map(|t| t.polls.iter().map(move |p| (t.info.idx, *p)))
        .max_by_key(|(_, p)| p.wall_ns())
}

/// What held the runtime thread while the heartbeat waited longest: "; in its worst wait
/// (451 ms) 6 polls of `main` held the thread one after another, the longest 80 ms". A lag
/// can be many polls in a row, each shorter than it, so the longest poll alone would not
/// add up to the lag.
fn worst_gap(tl: &Timeline) -> String {
    let Some(tick) = tl.heartbeats.iter().max_by_key(|h| h.lag_us) else {
        return String::new();
    };
    let lag_ns = u64::from(tick.lag_us) * 1000;
    let (from, to) =
        (tick.at.wall_ns.saturating_sub(lag_ns), tick.at.wall_ns);
    let mut tasks: Vec<u32> = Vec::new();
    let (mut count, mut longest) = (0, None::<(u32, u64)>);
    for t in tl
        .scenario_tasks()
        .filter(|t| t.info.kind != TaskKind::Blocking)
    {
        for p in &t.polls {
            // Polls over a millisecond that overlap the gap: the ones that held the thread.
            if p.end.wall_ns <= from
                || p.start.wall_ns >= to
                || p.wall_ns() < 1_000_000
            {
                continue;
            }
            count += 1;
            if !tasks.contains(&t.info.idx) {
                tasks.push(t.info.idx);
            }
            if longest.is_none_or(|(_, ns)| p.wall_ns() > ns) {
                longest = Some((t.info.idx, p.wall_ns()));
            }
        }
    }
    let Some((task, ns)) = longest else {
        return String::new();
    };
    let gap = lints::ms(lag_ns);
    let whose = format!("`{}`", tl.tasks[task as usize].label());
    if count == 1 {
        format!(
            "; in its worst wait ({gap}) one poll of {whose} held the thread for {}",
            lints::ms(ns)
        )
    } else {
        // `main` included: here it is one of the polls that held the thread.
        let main = tasks
            .iter()
            .any(|&t| tl.tasks[t as usize].info.kind == TaskKind::BlockOn);
        let names = match (main, lints::by_spawn_site(tl, &tasks)) {
            (true, others) if others.is_empty() => "`main`".to_string(),
            (true, others) => format!("`main` and {others}"),
            (false, others) => others,
        };
        format!(
            "; in its worst wait ({gap}) {count} polls of {names} held the thread one after \
             another, the longest {} ({whose}'s)",
            lints::ms(ns)
        )
    }
}

/// Why a run took longer than `bound` units, from its trace: a wait started again and again
/// (a `select!` in a loop builds its futures afresh each turn), or what the run was still
/// waiting on when it should have been done.
fn too_slow_because(tl: &Timeline, bound: f64) -> String {
    // Labels started again the moment the one before was dropped: the same work restarted
    // (work that merely runs more than once, each to its end, is not).
    struct Started<'a> {
        label: &'a str,
        count: usize,
        /// Started at the very moment the one before it ended.
        restarts: usize,
        at: Option<&'a Location>,
        last_closed: Option<Stamp>,
    }
    let mut starts: Vec<Started> = Vec::new();
    for r in &tl.resources {
        if r.info.kind != "wait" {
            continue;
        }
        let Some(label) = r.info.label.as_deref() else {
            continue;
        };
        match starts.iter_mut().find(|s| s.label == label) {
            Some(s) => {
                s.count += 1;
                if s.last_closed.is_some_and(|c| c.rt_ns == r.created.rt_ns)
                {
                    s.restarts += 1;
                }
                s.last_closed = r.closed;
            }
            None => starts.push(Started {
                label,
                count: 1,
                restarts: 0,
                at: r.info.created_at.as_ref(),
                last_closed: r.closed,
            }),
        }
    }
    if let Some(s) = starts.iter().find(|s| s.restarts >= 2) {
        let how = if lints::is_asyncio(tl) {
            "a wait in a loop that cancels what is in flight on every turn (`asyncio.wait_for` \
             or `asyncio.wait` over fresh coroutines each time round) starts it afresh, so \
             create the tasks once, before the loop, and wait on those"
        } else {
            "a `select!` in a loop builds its futures afresh on every turn, so create them \
             once, before the loop, and poll them by `&mut`"
        };
        let (label, n, at) = (s.label, s.count, s.at);
        return format!(
            "`{label}` was started {n} times, each time dropping the one in flight: {how}{}",
            location_hint(at, "look at")
        );
    }
    let at_ns = (bound * tl.unit_ns()) as u64;
    fn waited_on(
        tl: &Timeline,
        t: &crate::timeline::TaskLine,
        at_ns: u64,
    ) -> Option<(String, Stamp, String, Option<Location>)> {
        let iv = t.state_at(at_ns)?;
        let r = tl.resource(iv.waiting_on?)?;
        Some((t.label(), iv.end, named(&r.info), r.info.created_at.clone()))
    }
    // What `main` (the learner's function) was waiting on then; else any task.
    let main_first = tl
        .scenario_tasks()
        .filter(|t| t.info.kind == TaskKind::BlockOn)
        .chain(
            tl.scenario_tasks()
                .filter(|t| t.info.kind != TaskKind::BlockOn),
        );
    if let Some((task, until, what, at)) =
        main_first.filter_map(|t| waited_on(tl, t, at_ns)).next()
    {
        return format!(
            "at {bound:.2}u, when it should have been done, `{task}` was still waiting on \
             {what} (until {:.2}u){}",
            tl.units(until.rt_ns),
            location_hint(at.as_ref(), "started at")
        );
    }
    // Else the labelled waits still in flight then.
    let open: Vec<&crate::timeline::ResourceLine> = tl
        .resources
        .iter()
        .filter(|r| r.info.kind == "wait" && r.created.rt_ns <= at_ns)
        .filter(|r| r.closed.is_none_or(|c| c.rt_ns > at_ns))
        .collect();
    match open.iter().max_by_key(|r| r.closed.unwrap_or(tl.end)) {
        Some(r) => format!(
            "at {bound:.2}u, when it should have been done, {} was still in flight (until \
             {:.2}u){}",
            named(&r.info),
            tl.units(r.closed.unwrap_or(tl.end).rt_ns),
            location_hint(r.info.created_at.as_ref(), "started at")
        ),
        None => "something waited that could have overlapped".into(),
    }
}

/// A resource as a learner knows it: "`query mirror-c`" for a labelled wait, else its kind,
/// label and capacity ("channel jobs (capacity 5)").
fn named(r: &crate::trace::ResourceInfo) -> String {
    match &r.label {
        Some(label) if r.kind == "wait" => format!("`{label}`"),
        _ => r.describe(),
    }
}

/// The lifetimes (created → closed) of waits whose label starts with `label`.
fn waits<'a>(
    tl: &'a Timeline,
    label: &'a str,
) -> impl Iterator<Item = (Stamp, Stamp)> + 'a {
    tl.resources
        .iter()
        .filter(move |r| {
            r.info
                .label
                .as_deref()
                .is_some_and(|l| l.starts_with(label))
        })
        .map(move |r| (r.created, r.closed.unwrap_or(tl.end)))
}

/// The most waits labelled `label…` in flight at once, and how many there were.
fn peak_waits(tl: &Timeline, label: &str) -> (usize, usize) {
    let mut edges: Vec<(Stamp, i32)> = Vec::new();
    for (start, end) in waits(tl, label) {
        edges.push((start, 1));
        edges.push((end, -1));
    }
    let count = edges.len() / 2;
    edges.sort();
    let (mut now, mut peak) = (0i32, 0i32);
    for (_, d) in edges {
        now += d;
        peak = peak.max(now);
    }
    (peak.max(0) as usize, count)
}

/// "; look at exercises/fetch_all.rs:14" from where the first such wait was started.
fn where_hint(tl: &Timeline, label: &str) -> String {
    let at = tl
        .resources
        .iter()
        .filter(|r| {
            r.info
                .label
                .as_deref()
                .is_some_and(|l| l.starts_with(label))
        })
        .find_map(|r| r.info.created_at.as_ref());
    location_hint(at, "look at")
}

fn location_hint(at: Option<&Location>, words: &str) -> String {
    at.map(|l| format!(" ({words} {}:{})", l.file, l.line))
        .unwrap_or_default()
}

/// A task stuck to the end on a channel: sending into a full one, or receiving from an
/// empty one, and who was at its other end.
fn stuck_on_channel(tl: &Timeline) -> Option<String> {
    let end = tl.finish_stamp();
    let (task, since, r) = tl.scenario_tasks().find_map(|t| {
        if t.ended.is_some_and(|e| e.rt_ns < end.rt_ns) {
            return None;
        }
        // Just before the end: at the time limit itself the root is polled once more.
        let iv = t.state_at(end.rt_ns.saturating_sub(1))?;
        let r = tl.resource(iv.waiting_on?)?;
        (r.info.kind == "channel").then_some((t, iv.start, r))
    })?;
    let queued = r.sent.saturating_sub(r.received);
    let full = r.info.capacity.is_some_and(|c| u64::from(queued) >= c);
    // The other tasks that ever waited on this channel: its other end.
    let others: Vec<u32> = tl
        .scenario_tasks()
        .filter(|t| t.info.idx != task.info.idx)
        .filter(|t| {
            t.intervals
                .iter()
                .any(|iv| iv.waiting_on == Some(r.info.idx))
        })
        .map(|t| t.info.idx)
        .collect();
    let (doing, other_end) = if full {
        ("send into the full", "received from it")
    } else {
        ("receive from the empty", "sent into it")
    };
    let who = if others.is_empty() {
        format!(
            "no other task ever {other_end}, so its other end is held where nobody uses it \
             (start the tasks at the other end before you wait, or give the wait a task of \
             its own)"
        )
    } else {
        let alive = others
            .iter()
            .filter(|&&t| {
                tl.tasks[t as usize].ended.is_none_or(|e| e > end)
            })
            .count();
        format!(
            "its other end was used by {}{}",
            lints::by_spawn_site(tl, &others),
            if alive == 0 {
                ", and they had all ended"
            } else {
                ""
            }
        )
    };
    Some(format!(
        "`{}` waited from {:.2}u to the end to {doing} channel `{}` ({} queued): {who}",
        task.label(),
        tl.units(since.rt_ns),
        r.info.label.as_deref().unwrap_or("?"),
        queued,
    ))
}

/// Tasks spawned by `at` that had not been polled once by then (dropping a task at shutdown
/// may count as a poll of it, later).
fn not_run_by(tl: &Timeline, at: Stamp) -> Vec<u32> {
    tl.scenario_tasks()
        .filter(|t| t.info.kind == TaskKind::Task && t.spawned <= at)
        .filter(|t| t.polls.first().is_none_or(|p| p.start > at))
        .map(|t| t.info.idx)
        .collect()
}

/// Why work never ran: it was only built, never started (in the run's language).
fn never_ran_because(tl: &Timeline) -> &'static str {
    if lints::is_asyncio(tl) {
        "a coroutine does nothing until it is awaited or wrapped in a task (Python warns \
         \"coroutine ... was never awaited\")"
    } else {
        "a future does nothing until it is awaited or spawned"
    }
}

/// Why no wait labelled `label` was recorded at all: tasks spawned that never ran, or the
/// kit's function never awaited on the exercise's runtime.
fn no_waits(tl: &Timeline, label: &str) -> String {
    let never_ran = not_run_by(tl, tl.run_end.unwrap_or(tl.end));
    if never_ran.is_empty() && lints::is_asyncio(tl) {
        format!(
            "no `{label}` wait ever started on the exercise's event loop: the kit's function \
             was never awaited there (a coroutine called but never awaited, which Python \
             reports as \"coroutine ... was never awaited\", an event loop or thread of your \
             own, or an answer made up without calling it)"
        )
    } else if never_ran.is_empty() {
        format!(
            "no `{label}` wait ever started on the exercise's runtime: the kit's function was \
             never awaited there (a future built but never awaited, a runtime or thread of your \
             own, or an answer made up without calling it)"
        )
    } else {
        format!(
            "no `{label}` wait ever started: the tasks you spawned never ran, {}",
            lints::by_spawn_site(tl, &never_ran)
        )
    }
}

/// The `all_done` check: pass when the kit counted every piece of work done; otherwise say,
/// from the trace, which mistake left work undone when `function` returned: work that never
/// started (a future never awaited), tasks spawned but never polled (the thread was blocked,
/// or nobody awaited them), or work still running (only some of it was awaited).
fn all_done(
    tl: &Timeline,
    label: &str,
    function: &str,
    done: &str,
    expected: &str,
) -> (bool, String) {
    let count =
        |key: &str| tl.values.get(key).and_then(serde_json::Value::as_u64);
    let (Some(done), Some(expected)) = (count(done), count(expected))
    else {
        return (
            false,
            format!(
                "`{function}` never returned, so no `{label}` was counted"
            ),
        );
    };
    if done == expected {
        return (
            true,
            format!(
                "all {expected} `{label}`s ran to their end before `{function}` returned"
            ),
        );
    }
    let mark = format!("{function} returned");
    let returned = tl
        .marks
        .iter()
        .find(|m| m.text == mark)
        .map_or(tl.end, |m| m.at);
    let started: Vec<(Stamp, Stamp)> =
        waits(tl, label).filter(|(s, _)| *s <= returned).collect();
    let running = started.iter().filter(|(_, e)| *e > returned).count();
    let at = where_hint(tl, label);
    if running > 0 {
        return (
            false,
            format!(
                "`{function}` returned at {:.2}u while {running} of the {expected} `{label}`s \
                 were still running: wait for every one of them (each JoinHandle, or \
                 `join_all`), not only some{at}",
                tl.units(returned.rt_ns)
            ),
        );
    }
    let unpolled = not_run_by(tl, returned);
    if started.is_empty() && !unpolled.is_empty() {
        return (
            false,
            format!(
                "the `{label}`s were spawned, {}, but none had run yet when `{function}` \
                 returned: a spawned task runs only when the runtime thread is free, so await \
                 their JoinHandles instead of blocking or returning",
                lints::by_spawn_site(tl, &unpolled)
            ),
        );
    }
    (
        false,
        format!(
            "only {} of the {expected} `{label}`s ever ran: {}{at}",
            started.len(),
            never_ran_because(tl)
        ),
    )
}
