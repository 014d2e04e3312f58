//! Exercise `capstone` — after lesson 14: a live dashboard, scaled down.
//!
//! Four SOURCES are refreshed every 1u. The API allows one request every REQUEST_SPACING
//! (0.1u) and sometimes answers 503: retry, waiting BACKOFF (0.2u), then twice as long each
//! time, for at most MAX_ATTEMPTS attempts. Readings go through a queue to a render stage
//! (`render` is 100 ms of CPU work) that broadcasts each tile to the screens. Ctrl-C comes at
//! 2.5u: stop refreshing, finish the fetches in flight (by DEADLINE, 1.5u), render what is
//! queued, close the feed, and leave no task behind. Every TODO is one part of the job.
//!
//! Check it: `asyncscope check capstone` (or keep `asyncscope watch` running).

use asyncscope::exercise::kits::capstone::*;
use asyncscope::probe;
use std::sync::Arc;
use tokio::sync::broadcast;
use tokio::time::interval;

/// The API's rate limit: at most one request every REQUEST_SPACING.
struct RateLimit {}

impl RateLimit {
    fn new() -> RateLimit {
        RateLimit {}
    }

    /// Waits until the next request may start.
    async fn wait(&self) {
        // TODO: nothing waits here, so requests start all at once.
    }
}

/// Fetch one source, retrying failed attempts.
async fn fetch_with_retry(
    api: &Api,
    limit: &RateLimit,
    source: &'static str,
) -> Result<Reading, ApiError> {
    // TODO: a 503 is given up at once. Retry, up to MAX_ATTEMPTS attempts
    // in all, waiting BACKOFF after the first failure, then twice as long.
    limit.wait().await;
    api.fetch(source).await
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
        // TODO: 100 ms of CPU work, right here on the runtime thread.
        let tile = render(reading);
        let _ = screens.send(tile); // Err: no screen is watching
    }
}

/// The dashboard: pollers → queue → render stage → screens, until Ctrl-C.
async fn dashboard(
    api: Api,
    signal: Signal,
    screens: broadcast::Sender<Tile>,
) {
    let limit = Arc::new(RateLimit::new());
    let (tx, rx) = probe::channel("readings", 4);
    probe::spawn("renderer", render_stage(rx, screens));
    for source in SOURCES {
        let poller = poll_source(
            source,
            api.clone(),
            limit.clone(),
            signal.clone(),
            tx.clone(),
        );
        probe::spawn(source, poller);
    }
    // TODO: nobody owns the tasks above, and this returns as soon as
    // Ctrl-C comes, leaving them running. Wait for the pollers (until
    // DEADLINE after the signal at most), then for the render stage to
    // empty the queue.
    signal.recv().await;
}

fn main() {
    run(dashboard);
}
