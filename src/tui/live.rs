//! A run being recorded on its own thread while the TUI shows what it has recorded so far.
//!
//! The UI thread never copies the trace or builds a timeline for a live run: a builder thread
//! takes the session's snapshot, builds its [`Built`] (timeline, runtime clock per event) and
//! leaves the newest one for the UI to pick up; the run thread builds the final one itself.
//! A tick on the UI thread then costs a lock and a swap however big the run is. The builder
//! waits at least a frame between builds, and at least as long as its last build took, so on
//! a big trace it gets at most half a core and the run and the UI keep the rest.

use crate::scenarios::{self, RunOptions, Scenario};
use crate::trace::Header;
use crate::trace::recorder::Session;
use crate::tui::built::Built;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The name of the thread a run is driven from (its panics are part of the run, not the TUI's).
pub const RUN_THREAD: &str = "asyncscope-run";
/// The name of the thread that builds a live run's timelines.
pub const BUILD_THREAD: &str = "asyncscope-live";

/// The shortest wait between two live builds: one frame.
const MIN_PAUSE: Duration = Duration::from_millis(33);

#[derive(Default)]
struct Shared {
    session: Mutex<Option<(Session, Header, Instant)>>,
    /// The newest build the UI has not taken yet.
    latest: Mutex<Option<Built>>,
    /// The run is over, or nobody is watching: the builder stops.
    stop: AtomicBool,
    /// Live builds made so far (the bench reports it).
    builds: AtomicUsize,
}

pub struct LiveRun {
    shared: Arc<Shared>,
    handle: Option<JoinHandle<Result<Built, String>>>,
    builder: Option<std::thread::Thread>,
}

/// What a look at a live run found.
pub enum LivePoll {
    /// Nothing new.
    Nothing,
    /// The trace so far, built.
    Snapshot(Built),
    /// The run is over: its whole trace, built, or why there is none.
    Done(Result<Built, String>),
}

impl LiveRun {
    /// Start the registered scenario `id` on a fresh recorded runtime, on its own thread.
    pub fn start(id: &str, options: RunOptions) -> LiveRun {
        match scenarios::find(id) {
            Some(sc) => LiveRun::start_scenario(sc, options),
            None => {
                let e = scenarios::unknown_scenario(id);
                LiveRun::failed(e.to_string())
            }
        }
    }

    /// Start `scenario` (registered or not) on a fresh recorded runtime, on its own thread.
    pub fn start_scenario(
        scenario: Scenario,
        options: RunOptions,
    ) -> LiveRun {
        let shared = Arc::new(Shared::default());
        let run_shared = shared.clone();
        let builder = {
            let shared = shared.clone();
            std::thread::Builder::new()
                .name(BUILD_THREAD.into())
                .spawn(move || build_while_live(&shared))
                .ok()
        };
        let builder_thread = builder.as_ref().map(|h| h.thread().clone());
        let wake_builder = builder_thread.clone();
        let handle = std::thread::Builder::new()
            .name(RUN_THREAD.into())
            .spawn(move || {
                let result = scenarios::run_scenario_observed(
                    &scenario,
                    &options,
                    |s, h| {
                        *run_shared.session.lock().unwrap() =
                            Some((s.clone(), h.clone(), Instant::now()));
                    },
                )
                .map_err(|e| e.to_string());
                // The builder's work is moot now; the final build is done here, still off
                // the UI thread.
                run_shared.stop.store(true, Ordering::Release);
                if let Some(t) = &wake_builder {
                    t.unpark();
                }
                result.map(|trace| Built::new(trace, None))
            })
            .ok();
        LiveRun {
            shared,
            handle,
            builder: builder_thread,
        }
    }

    fn failed(why: String) -> LiveRun {
        let handle = std::thread::Builder::new()
            .name(RUN_THREAD.into())
            .spawn(move || Err(why))
            .ok();
        LiveRun {
            shared: Arc::default(),
            handle,
            builder: None,
        }
    }

    pub fn is_finished(&self) -> bool {
        self.handle.as_ref().is_none_or(|h| h.is_finished())
    }

    /// How many live builds the builder thread has made.
    pub fn builds(&self) -> usize {
        self.shared.builds.load(Ordering::Relaxed)
    }

    /// What is new since the last look. Never waits for a build.
    pub fn poll(&mut self) -> LivePoll {
        if self.is_finished() {
            return LivePoll::Done(self.join());
        }
        match self.shared.latest.lock().unwrap().take() {
            Some(built) => LivePoll::Snapshot(built),
            None => LivePoll::Nothing,
        }
    }

    /// Wait for the run to end.
    pub fn wait(mut self) -> Result<Built, String> {
        self.join()
    }

    fn join(&mut self) -> Result<Built, String> {
        match self.handle.take() {
            Some(h) => h.join().unwrap_or_else(|p| {
                let what = p
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| p.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "a panic".into());
                Err(format!("the run panicked: {what}"))
            }),
            None => Err("the run could not be started".into()),
        }
    }
}

impl Drop for LiveRun {
    fn drop(&mut self) {
        // Nobody will look any more: let the builder go (the run itself ends by its limit).
        self.shared.stop.store(true, Ordering::Release);
        if let Some(t) = &self.builder {
            t.unpark();
        }
    }
}

/// Let the UI thread have the cores before this one: a build can wait a frame, a key should
/// not.
pub(crate) fn yield_to_ui() {
    crate::sandbox::lower_thread_priority();
}

/// The builder thread: snapshot, build, hand over, pause; until the run ends.
fn build_while_live(shared: &Shared) {
    yield_to_ui();
    let mut pause = Duration::ZERO;
    // Events and tasks of the last build, if there was one.
    let mut seen: Option<(usize, usize)> = None;
    loop {
        if !pause.is_zero() {
            std::thread::park_timeout(pause);
        }
        if shared.stop.load(Ordering::Acquire) {
            return;
        }
        let Some((session, header, started)) =
            shared.session.lock().unwrap().clone()
        else {
            // Not started yet: look again soon.
            pause = Duration::from_millis(2);
            continue;
        };
        let t0 = Instant::now();
        let now = started.elapsed().as_nanos() as u64;
        // A paused clock stands still while nothing happens; on the real clock idle lanes
        // grow with time even without new events.
        if session.clock() == crate::trace::Clock::Paused
            && let Some((n, _)) = seen
            && session.events_so_far(n).is_empty()
        {
            pause = MIN_PAUSE;
            continue;
        }
        let trace = session.snapshot(header);
        // As the run ends, its session hands events and tables over to the final trace: a
        // snapshot then holds less than the last one, and must not replace it (the run
        // thread's final build comes next).
        let (events, tasks) = (trace.events.len(), trace.tasks.len());
        if seen.is_some_and(|(e, t)| events < e || tasks < t) {
            pause = MIN_PAUSE;
            continue;
        }
        seen = Some((events, tasks));
        // A build the UI has not taken yet is stale now: free it (here, not on the UI
        // thread) before making the next, so no more than two are held, the UI's and this.
        drop(shared.latest.lock().unwrap().take());
        let built = Built::new(trace, Some(now));
        if shared.stop.load(Ordering::Acquire) {
            return;
        }
        *shared.latest.lock().unwrap() = Some(built);
        shared.builds.fetch_add(1, Ordering::Relaxed);
        pause = t0.elapsed().max(MIN_PAUSE);
    }
}
