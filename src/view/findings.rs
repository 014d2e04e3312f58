//! What a run found, beyond its lanes: the warnings (deadlock cycle, leaks, blocked runtime,
//! time-out), the heartbeat's lag, and the values the scenario computed. The text export
//! prints them under the chart and the TUI's findings pane lists them, in the same sentences.

use crate::timeline::Timeline;
use crate::view::lints::{ms, run_lints};

/// One thing a run found.
#[derive(Clone, Debug, PartialEq)]
pub enum Finding {
    /// Something went wrong: the sentence of a [`crate::view::Lint`].
    Warning(String),
    /// A probe task that has no lane (the heartbeat, with its lag when it ticked).
    Probe(String),
    /// A value the scenario computed: key, value in words.
    Value(String, String),
}

impl Finding {
    /// The finding as the text export prints it.
    pub fn line(&self) -> String {
        match self {
            Finding::Warning(w) => format!("warning: {w}"),
            Finding::Probe(p) => p.clone(),
            Finding::Value(k, v) => format!("{k}: {v}"),
        }
    }
}

/// Everything `tl` found: values, probes, then warnings.
pub fn findings(tl: &Timeline) -> Vec<Finding> {
    let mut out: Vec<Finding> = tl
        .values
        .iter()
        .map(|(k, v)| Finding::Value(k.clone(), value_words(v)))
        .collect();
    if tl.heartbeats.is_empty() {
        out.extend(tl.tasks.iter().filter(|t| t.info.probe).map(|p| {
            Finding::Probe(format!("{} (probe, not drawn)", p.label()))
        }));
    } else {
        let lag = |us: Option<u32>| ms(us.unwrap_or(0) as u64 * 1000);
        out.push(Finding::Probe(format!(
            "heartbeat (probe, not drawn): {} ticks, lag p50 {}, p99 {}, max {}",
            tl.heartbeats.len(),
            lag(tl.heartbeat_lag_percentile(50.0)),
            lag(tl.heartbeat_lag_percentile(99.0)),
            lag(tl.max_heartbeat_lag_us()),
        )));
    }
    out.extend(
        run_lints(tl)
            .iter()
            .map(|l| Finding::Warning(l.sentence(tl, true))),
    );
    out
}

/// A value as a learner would write it: 3.0 reads as "3", a list as "a, b, c".
pub fn value_words(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => match n.as_f64() {
            Some(x) if x.fract() == 0.0 && x.abs() < 1e15 => {
                format!("{}", x as i64)
            }
            _ => n.to_string(),
        },
        serde_json::Value::Array(items) => {
            items.iter().map(value_words).collect::<Vec<_>>().join(", ")
        }
        other => other.to_string(),
    }
}
