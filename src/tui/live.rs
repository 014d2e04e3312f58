//! A run being recorded on its own thread while the TUI shows what it has recorded so far.

use crate::scenarios::{self, RunOptions};
use crate::trace::recorder::Session;
use crate::trace::{Header, Trace};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

type Shared = Arc<Mutex<Option<(Session, Header, std::time::Instant)>>>;

/// The name of the thread a run is driven from (its panics are part of the run, not the TUI's).
pub const RUN_THREAD: &str = "asyncscope-run";

pub struct LiveRun {
    session: Shared,
    handle: Option<JoinHandle<Result<Trace, String>>>,
    seen: usize,
}

/// What a look at a live run found.
pub enum LivePoll {
    /// Nothing new.
    Nothing,
    /// The trace so far, and how long the run has been going (wall clock, ns).
    Snapshot(Trace, u64),
    /// The run is over: its whole trace, or why there is none.
    Done(Result<Trace, String>),
}

impl LiveRun {
    /// Start `scenario` on a fresh recorded runtime, on its own thread.
    pub fn start(scenario: &str, options: RunOptions) -> LiveRun {
        let session: Shared = Arc::new(Mutex::new(None));
        let shared = session.clone();
        let id = scenario.to_string();
        let handle = std::thread::Builder::new()
            .name(RUN_THREAD.into())
            .spawn(move || {
                let sc = scenarios::find(&id).ok_or_else(|| {
                    scenarios::RunError::UnknownScenario(id.clone())
                        .to_string()
                })?;
                scenarios::run_scenario_observed(&sc, &options, |s, h| {
                    *shared.lock().unwrap() = Some((
                        s.clone(),
                        h.clone(),
                        std::time::Instant::now(),
                    ));
                })
                .map_err(|e| e.to_string())
            })
            .ok();
        LiveRun {
            session,
            handle,
            seen: usize::MAX,
        }
    }

    pub fn is_finished(&self) -> bool {
        self.handle.as_ref().is_none_or(|h| h.is_finished())
    }

    /// What is new since the last look.
    pub fn poll(&mut self) -> LivePoll {
        if self.is_finished() {
            return LivePoll::Done(self.join());
        }
        let guard = self.session.lock().unwrap();
        let Some((session, header, started)) = guard.as_ref() else {
            return LivePoll::Nothing;
        };
        let now = started.elapsed().as_nanos() as u64;
        // On the real clock time moves even when nothing happens: idle lanes grow.
        if session.clock() == crate::trace::Clock::Paused
            && session.events_so_far(self.seen).is_empty()
            && self.seen != usize::MAX
        {
            return LivePoll::Nothing;
        }
        let trace = session.snapshot(header.clone());
        self.seen = trace.events.len();
        LivePoll::Snapshot(trace, now)
    }

    /// Wait for the run to end.
    pub fn wait(mut self) -> Result<Trace, String> {
        self.join()
    }

    fn join(&mut self) -> Result<Trace, String> {
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
