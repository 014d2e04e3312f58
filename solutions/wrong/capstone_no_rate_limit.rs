//! Wrong: no rate limit: every request starts as soon as it is asked for.

use asyncscope::exercise::kits::capstone::*;
use asyncscope::probe;
use std::sync::Arc;
use tokio::sync::broadcast;
use tokio::task::JoinSet;
use tokio::time::{interval, sleep, timeout};

/// The API's rate limit: at most one request every REQUEST_SPACING.
struct RateLimit {}

impl RateLimit {
    fn new() -> RateLimit {
        RateLimit {}
    }

    /// Waits until the next request may start.
    async fn wait(&self) {
        // Nothing to wait for: every request goes out at once.
    }
}

/// Fetch one source, retrying failed attempts.
async fn fetch_with_retry(
    api: &Api,
    limit: &RateLimit,
    source: &'static str,
) -> Result<Reading, ApiError> {
    let mut delay = BACKOFF;
    let mut attempt = 1;
    loop {
        limit.wait().await; // every attempt counts against the limit
        match api.fetch(source).await {
            Ok(reading) => return Ok(reading),
            Err(e) if attempt == MAX_ATTEMPTS => return Err(e),
            Err(_) => {
                sleep(delay).await;
                delay *= 2;
                attempt += 1;
            }
        }
    }
}

/// Refresh one source every REFRESH_EVERY until Ctrl-C, sending each
/// reading to the queue.
async fn poll_source(
    source: &'static str,
    api: Api,
    limit: Arc<RateLimit>,
    signal: Signal,
    readings: probe::Sender<Reading>,
) {
    let mut refresh = interval(REFRESH_EVERY);
    loop {
        tokio::select! {
            biased;
            _ = signal.recv() => break,
            _ = refresh.tick() => {
                // A fetch under way when Ctrl-C comes is finished first.
                let fetched = fetch_with_retry(&api, &limit, source).await;
                if let Ok(reading) = fetched {
                    let _ = readings.send(reading).await;
                }
            }
        }
    }
}

/// Render each reading and broadcast the tile to every screen.
async fn render_stage(
    mut readings: probe::Receiver<Reading>,
    screens: broadcast::Sender<Tile>,
) {
    while let Some(reading) = readings.recv().await {
        // 100 ms of CPU: on the blocking pool, not on the runtime thread.
        let tile = probe::spawn_blocking("render", move || render(reading))
            .await
            .expect("render panicked");
        let _ = screens.send(tile); // Err: no screen is watching
    }
    // `screens` is dropped here: the screens see the feed close.
}

/// The dashboard: pollers → queue → render stage → screens, until Ctrl-C.
async fn dashboard(
    api: Api,
    signal: Signal,
    screens: broadcast::Sender<Tile>,
) {
    let limit = Arc::new(RateLimit::new());
    let (tx, rx) = probe::channel("readings", 4);
    let renderer = probe::spawn("renderer", render_stage(rx, screens));
    let mut pollers = JoinSet::new();
    for source in SOURCES {
        let poller = poll_source(
            source,
            api.clone(),
            limit.clone(),
            signal.clone(),
            tx.clone(),
        );
        probe::spawn_in(&mut pollers, source, poller);
    }
    // Only the pollers hold senders now: the queue closes when they end.
    drop(tx);

    signal.recv().await;
    // The pollers stop refreshing; each finishes its fetch in flight. Give
    // them until the deadline, then cancel what is left.
    let drain = async { while pollers.join_next().await.is_some() {} };
    if timeout(DEADLINE, drain).await.is_err() {
        pollers.shutdown().await;
    }
    // The queue is closed: the renderer renders what is left, then ends.
    let _ = renderer.await;
}

fn main() {
    run(dashboard);
}
