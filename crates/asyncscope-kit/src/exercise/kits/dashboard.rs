//! Exercise `dashboard` (lesson 3): fetch three sources together; one fails, and the others
//! must still be shown (collect-all, like asyncio's `gather(return_exceptions=True)`).

use crate::exercise::harness::{self, Setup};
use crate::probe;
use serde_json::json;
use std::future::Future;
use std::panic::Location;
use std::time::Duration;

const SETUP: Setup = Setup::new("dashboard");

/// Each source: its name, how long it takes to answer (units), and its answer.
const SOURCES: [(&str, f64, Result<&str, &str>); 3] = [
    ("weather", 1.0, Ok("weather: sunny, 21°C")),
    ("news", 1.5, Ok("news: 3 new headlines")),
    ("stocks", 0.8, Err("stocks: feed unavailable (503)")),
];

/// Fetch one source of the dashboard from the simulated network: `Ok` with the line to show,
/// or `Err` with what went wrong. weather takes 1u, news 1.5u, and stocks fails after 0.8u.
#[track_caller]
pub fn fetch(
    source: &'static str,
) -> impl Future<Output = Result<String, String>> + Send {
    let called_at = Location::caller();
    async move {
        let Some(&(_, units, answer)) =
            SOURCES.iter().find(|(name, ..)| *name == source)
        else {
            return Err(format!("{source}: no such source"));
        };
        let wait = tokio::time::sleep(Duration::from_secs_f64(units));
        probe::wait_on_at(&format!("fetch {source}"), called_at, wait)
            .await;
        match answer {
            Ok(line) => Ok(line.to_string()),
            Err(error) => {
                probe::mark(&format!("{source} failed"));
                Err(error.to_string())
            }
        }
    }
}

/// Drive the learner's `dashboard` (in a task of its own, so a panic is graded, not fatal) and
/// record what the checks need.
pub fn run<F, Fut>(dashboard: F)
where
    F: FnOnce(Vec<&'static str>) -> Fut + Send + 'static,
    Fut: Future<Output = Vec<String>> + Send + 'static,
{
    harness::run(&SETUP, move |_ctx| {
        Box::pin(async move {
            let sources: Vec<&'static str> =
                SOURCES.iter().map(|(name, ..)| *name).collect();
            let expected: Vec<&str> = SOURCES
                .iter()
                .map(|(_, _, answer)| match answer {
                    Ok(line) | Err(line) => *line,
                })
                .collect();
            let slowest = SOURCES
                .iter()
                .map(|(_, units, _)| *units)
                .fold(0.0, f64::max);
            probe::set_value("expected", json!(expected));
            probe::set_value("slowest_units", slowest);
            let task = probe::spawn("dashboard", dashboard(sources));
            if let Ok(lines) = task.await {
                probe::set_value("lines", json!(lines));
            }
        })
    });
}
