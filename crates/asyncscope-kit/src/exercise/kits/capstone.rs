//! Exercise `capstone` (after lesson 14): a live dashboard, scaled down. Sources fetched under
//! a rate limit with retries and backoff, a queue to a render stage, a broadcast to the
//! screens, and a graceful shutdown on Ctrl-C.

use super::find_the_blocker::compute_for;
use crate::exercise::harness::{self, Setup};
use crate::probe;
use serde_json::json;
use std::collections::HashMap;
use std::future::Future;
use std::panic::Location;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::broadcast;
use tokio::time::{Instant, sleep, sleep_until};

pub use super::shutdown::Signal;

const SETUP: Setup = Setup {
    limit_units: 20.0,
    ..Setup::new("capstone")
};

/// The sources on the dashboard.
pub const SOURCES: [&str; 4] = ["weather", "stocks", "news", "traffic"];
/// Every source is refreshed every 1u.
pub const REFRESH_EVERY: Duration = Duration::from_millis(1000);
/// The API's rate limit: at most one request every 0.1u.
pub const REQUEST_SPACING: Duration = Duration::from_millis(100);
/// After a 503, wait 0.2u before the next attempt, then twice as long after each further one.
pub const BACKOFF: Duration = Duration::from_millis(200);
/// Attempts per fetch, the first one included.
pub const MAX_ATTEMPTS: u32 = 4;
/// How long the work in flight may still run after Ctrl-C (1.5u).
pub const DEADLINE: Duration = Duration::from_millis(1500);

/// When Ctrl-C arrives, in units.
const SIGNAL_AT_UNITS: f64 = 2.5;
/// Refreshes before Ctrl-C: at 0u, 1u and 2u.
const REFRESHES: u32 = 3;
/// How long an answer takes: a reading, or a 503.
const OK_UNITS: f64 = 0.15;
const FAIL_UNITS: f64 = 0.05;
/// Timers are exact to the millisecond: a gap this much short still counts as kept.
const SLACK: Duration = Duration::from_micros(1500);

/// How many times in a row the refresh of `source` at `refresh`u fails (503) before it works.
fn planned_failures(source: &str, refresh: u32) -> u32 {
    match (source, refresh) {
        ("news", 0) => 1,
        ("stocks", 1) => 2,
        ("traffic", 2) => 1,
        _ => 0,
    }
}

/// A reading from one source. `refresh` is when it was asked for: the first attempt started
/// at `refresh`u (give or take the rate limit's wait).
#[derive(Clone, Debug, PartialEq)]
pub struct Reading {
    pub source: &'static str,
    pub refresh: u32,
    pub value: u64,
}

/// What the API answers when it cannot serve a request.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    /// 503: the service is busy; asking again a little later works.
    Unavailable,
}

/// A rendered dashboard tile, as the screens receive it.
#[derive(Clone, Debug, PartialEq)]
pub struct Tile {
    pub source: &'static str,
    pub refresh: u32,
    pub text: String,
}

impl Tile {
    /// `news@1u`: the news, as refreshed at 1u.
    pub fn name(&self) -> String {
        format!("{}@{}u", self.source, self.refresh)
    }
}

/// Render a reading into a tile: about 100 ms of CPU work, with no `.await` inside.
pub fn render(reading: Reading) -> Tile {
    let noise = compute_for(100);
    Tile {
        source: reading.source,
        refresh: reading.refresh,
        text: format!(
            "{}: {} ({:x})",
            reading.source,
            reading.value,
            noise & 0xff
        ),
    }
}

#[derive(Default)]
struct SourceState {
    /// The refresh the current attempts belong to: where the first one started.
    refresh: u32,
    failures_in_a_row: u32,
    last_failure: Option<Instant>,
}

struct ApiLog {
    origin: Instant,
    unit: Duration,
    sources: HashMap<&'static str, SourceState>,
    last_start: Option<(Instant, &'static str)>,
    rate_breaches: Vec<String>,
    early_retries: Vec<String>,
}

impl ApiLog {
    fn units(&self, d: Duration) -> f64 {
        d.as_secs_f64() / self.unit.as_secs_f64()
    }

    fn at(&self, t: Instant) -> f64 {
        self.units(t - self.origin)
    }
}

/// The dashboard's data API. Clone it freely: every clone talks to the same service.
#[derive(Clone)]
pub struct Api {
    log: Arc<Mutex<ApiLog>>,
}

fn ordinal(n: u32) -> String {
    match n {
        1 => "1st".into(),
        2 => "2nd".into(),
        3 => "3rd".into(),
        _ => format!("{n}th"),
    }
}

impl Api {
    fn new(unit: Duration) -> Api {
        Api {
            log: Arc::new(Mutex::new(ApiLog {
                origin: Instant::now(),
                unit,
                sources: HashMap::new(),
                last_start: None,
                rate_breaches: Vec::new(),
                early_retries: Vec::new(),
            })),
        }
    }

    /// Fetch the latest reading of `source`: 0.15u for an answer, 0.05u for a 503.
    /// The API allows one request every `REQUEST_SPACING`.
    #[track_caller]
    pub fn fetch(
        &self,
        source: &'static str,
    ) -> impl Future<Output = Result<Reading, ApiError>> + Send + 'static
    {
        let called_at = Location::caller();
        let log = self.log.clone();
        async move {
            let fails = log.lock().unwrap().start(source);
            let units = if fails { FAIL_UNITS } else { OK_UNITS };
            let unit = log.lock().unwrap().unit;
            probe::wait_on_at(
                &format!("fetch {source}"),
                called_at,
                sleep(unit.mul_f64(units)),
            )
            .await;
            log.lock().unwrap().answer(source, fails)
        }
    }
}

impl ApiLog {
    /// A request starts: note any breach of the rate limit or of the backoff, and decide
    /// whether it fails.
    fn start(&mut self, source: &'static str) -> bool {
        let now = Instant::now();
        if let Some((last, other)) = self.last_start {
            let gap = now - last;
            if gap + SLACK < REQUEST_SPACING {
                let text = format!(
                    "{source} at {:.2}u ({:.2}u after {other})",
                    self.at(now),
                    self.units(gap)
                );
                self.rate_breaches.push(text);
            }
        }
        self.last_start = Some((now, source));
        // The refresh due last (at 0u, 1u, 2u…). A request after a success, or in a later
        // refresh than the failed one before it (that one was given up), is a new refresh;
        // any other is a retry, and must come after the backoff.
        let refresh = (self.units(now - self.origin) + 1e-6).floor() as u32;
        let (failed, last_failure, chain) = {
            let s = self.sources.entry(source).or_default();
            (s.failures_in_a_row, s.last_failure, s.refresh)
        };
        let retry = failed > 0 && refresh <= chain;
        if retry && let Some(last) = last_failure {
            let wait = now - last;
            let needed = BACKOFF * 2u32.pow(failed.saturating_sub(1));
            if wait + SLACK < needed {
                let text = format!(
                    "{source} at {:.2}u: {:.2}u after its {} 503 (wait at \
                     least {:.2}u)",
                    self.at(now),
                    self.units(wait),
                    ordinal(failed),
                    self.units(needed)
                );
                self.early_retries.push(text);
            }
        }
        let s = self.sources.get_mut(source).expect("entry made above");
        if !retry {
            s.refresh = refresh;
            s.failures_in_a_row = 0;
        }
        s.failures_in_a_row < planned_failures(source, s.refresh)
    }

    fn answer(
        &mut self,
        source: &'static str,
        fails: bool,
    ) -> Result<Reading, ApiError> {
        let s = self.sources.entry(source).or_default();
        if fails {
            s.failures_in_a_row += 1;
            s.last_failure = Some(Instant::now());
            probe::mark("503 Service Unavailable");
            Err(ApiError::Unavailable)
        } else {
            s.failures_in_a_row = 0;
            s.last_failure = None;
            Ok(Reading {
                source,
                refresh: s.refresh,
                value: u64::from(s.refresh) * 7 + source.len() as u64,
            })
        }
    }
}

/// A screen: shows every tile broadcast to it, until the feed closes.
async fn screen(
    mut feed: broadcast::Receiver<Tile>,
    shown: Arc<Mutex<Vec<String>>>,
) {
    loop {
        match probe::wait_on("the tile feed", feed.recv()).await {
            Ok(tile) => shown.lock().unwrap().push(tile.name()),
            Err(broadcast::error::RecvError::Lagged(n)) => {
                shown.lock().unwrap().push(format!("({n} tiles lost)"))
            }
            Err(broadcast::error::RecvError::Closed) => break,
        }
    }
}

/// At most this many entries of a list of problems are recorded.
fn first_few(mut list: Vec<String>) -> Vec<String> {
    if list.len() > 4 {
        let more = list.len() - 3;
        list.truncate(3);
        list.push(format!("and {more} more"));
    }
    list
}

/// Drive the learner's `dashboard` with the API, the Ctrl-C signal and the screens' feed.
pub fn run<F, Fut>(dashboard: F)
where
    F: FnOnce(Api, Signal, broadcast::Sender<Tile>) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    harness::run(&SETUP, move |ctx| {
        Box::pin(async move {
            let heartbeat = ctx.start_heartbeat();
            let api = Api::new(ctx.unit);
            let signal_at = Instant::now() + ctx.u(SIGNAL_AT_UNITS);
            let deadline_at = signal_at + DEADLINE;
            let expected: Vec<String> = SOURCES
                .iter()
                .flat_map(|s| {
                    (0..REFRESHES).map(move |n| format!("{s}@{n}u"))
                })
                .collect();
            let (feed, mut watch) = broadcast::channel(64);
            let screens: Vec<_> = (1..=2)
                .map(|n| {
                    let shown = Arc::new(Mutex::new(Vec::new()));
                    let task = probe::spawn(
                        &format!("screen-{n}"),
                        screen(feed.subscribe(), shown.clone()),
                    );
                    (task, shown)
                })
                .collect();
            let ctrl_c = probe::spawn("ctrl-c", async move {
                sleep_until(signal_at).await;
                probe::mark("Ctrl-C: shut down");
            });

            dashboard(api.clone(), Signal::at(signal_at), feed).await;
            let returned = Instant::now();
            // What reached the screens by the time the dashboard returned, and is the feed
            // closed (every Sender dropped)? The kit's own receiver sees what they see. Read
            // before any await, so no task left running gets another turn first.
            let mut tiles: Vec<String> = Vec::new();
            let feed_closed = loop {
                use broadcast::error::TryRecvError;
                match watch.try_recv() {
                    Ok(tile) => tiles.push(tile.name()),
                    Err(TryRecvError::Lagged(n)) => {
                        tiles.push(format!("({n} tiles lost)"))
                    }
                    Err(TryRecvError::Empty) => break false,
                    Err(TryRecvError::Closed) => break true,
                }
            };
            // Then the screens show what is still buffered and end by themselves; if the
            // feed is still open they would wait forever, so they are stopped.
            if Instant::now() < signal_at {
                ctrl_c.abort(); // returned before Ctrl-C came
            }
            let _ = ctrl_c.await;
            let (tasks, seen): (Vec<_>, Vec<_>) =
                screens.into_iter().unzip();
            if !feed_closed {
                tasks.iter().for_each(|t| t.abort());
            }
            futures::future::join_all(tasks).await;
            heartbeat.abort();

            let mut missing: Vec<String> = expected
                .iter()
                .filter(|t| !tiles.contains(t))
                .cloned()
                .collect();
            // Tiles nobody expected, or sent twice.
            let mut extra: Vec<String> = Vec::new();
            for (i, t) in tiles.iter().enumerate() {
                if !expected.contains(t) || tiles[..i].contains(t) {
                    extra.push(format!("{t} (extra)"));
                }
            }
            extra.sort();
            extra.dedup();
            missing.append(&mut extra);
            probe::set_value("tiles", json!(tiles));
            let shown = seen.iter().map(|s| s.lock().unwrap().len());
            probe::set_value(
                "shown_per_screen",
                json!(shown.collect::<Vec<_>>()),
            );
            probe::set_value("missing_tiles", json!(first_few(missing)));
            let log = api.log.lock().unwrap();
            probe::set_value(
                "rate_limit_breaches",
                json!(first_few(log.rate_breaches.clone())),
            );
            probe::set_value(
                "retries_too_soon",
                json!(first_few(log.early_retries.clone())),
            );
            probe::set_value("feed_closed", feed_closed);
            probe::set_value(
                "drained_by_deadline",
                returned <= deadline_at,
            );
        })
    });
}
