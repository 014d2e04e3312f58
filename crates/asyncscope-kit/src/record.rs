//! Record your own tokio program: build its runtime through [`Recorder`], and the trace is
//! written to a file as it runs (every second) and when the recorder is dropped, ready for
//! `asyncscope --open FILE` or `asyncscope run --load FILE`.
//!
//! ```no_run
//! let recorder = asyncscope_kit::record::Recorder::new(
//!     "my-server",
//!     tokio::runtime::Builder::new_multi_thread(),
//!     "trace.jsonl",
//! )?;
//! recorder.block_on(async {
//!     // the program, as `#[tokio::main]` would run it
//! });
//! # std::io::Result::Ok(())
//! ```
//!
//! The program must be built with `--cfg tokio_unstable` (tokio instruments its tasks only
//! then). Times are on the real clock.

use crate::probe::Tracked;
use crate::run::hook_runtime;
use crate::trace::recorder::{self, Session};
use crate::trace::{Clock, Header, jsonl};
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

/// How often the trace so far is written: a killed program leaves a trace up to the last one.
pub const FLUSH_EVERY: Duration = Duration::from_secs(1);

/// A tokio runtime whose every task, poll, wake and resource is recorded to a file.
pub struct Recorder {
    runtime: Option<tokio::runtime::Runtime>,
    session: Session,
    header: Header,
    path: PathBuf,
    stop: Arc<AtomicBool>,
    flusher: Option<JoinHandle<()>>,
}

impl Recorder {
    /// Build the runtime `builder` describes (timers and I/O enabled), recorded under `name`
    /// into the file `path`.
    pub fn new(
        name: &str,
        mut builder: tokio::runtime::Builder,
        path: impl Into<PathBuf>,
    ) -> std::io::Result<Recorder> {
        recorder::install();
        let session = Session::new(Clock::Real);
        builder.enable_all();
        hook_runtime(&mut builder, &session, None);
        let runtime = builder.build()?;
        session.attach_current_thread();
        {
            let _inside = runtime.enter();
            session.set_runtime_zero();
        }
        let mut header = Header::new(name, Clock::Real, 1000.0);
        header.title = format!("{name} (recorded with asyncscope::record)");
        if runtime.handle().runtime_flavor()
            == tokio::runtime::RuntimeFlavor::MultiThread
        {
            header.flavor = "multi_thread".into();
            header.workers = runtime.metrics().num_workers();
        }
        let path = path.into();
        let stop = Arc::new(AtomicBool::new(false));
        let flusher = {
            let (session, header, path, stop) = (
                session.clone(),
                header.clone(),
                path.clone(),
                stop.clone(),
            );
            std::thread::Builder::new()
                .name("asyncscope-flush".into())
                .spawn(move || {
                    while !stop.load(Ordering::Acquire) {
                        std::thread::park_timeout(FLUSH_EVERY);
                        if stop.load(Ordering::Acquire) {
                            break;
                        }
                        // A failed flush is tried again next time; the last one reports.
                        let _ = jsonl::save(
                            &session.snapshot(header.clone()),
                            &path,
                        );
                    }
                })?
        };
        Ok(Recorder {
            runtime: Some(runtime),
            session,
            header,
            path,
            stop,
            flusher: Some(flusher),
        })
    }

    /// Run `future` to its end on the recorded runtime, as its root task (`main`).
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        let runtime =
            self.runtime.as_ref().expect("the runtime lives until drop");
        let out = runtime.block_on(Tracked::new(future));
        recorder::run_end(false);
        out
    }

    /// The runtime, to spawn on it or enter it.
    pub fn runtime(&self) -> &tokio::runtime::Runtime {
        self.runtime.as_ref().expect("the runtime lives until drop")
    }

    /// Shut the runtime down (what is still running is dropped, and that is recorded) and
    /// write the whole trace. Dropping the recorder does the same, reporting a failure on
    /// standard error.
    pub fn finish(mut self) -> Result<PathBuf, jsonl::TraceFileError> {
        self.close()
    }

    fn close(&mut self) -> Result<PathBuf, jsonl::TraceFileError> {
        self.stop.store(true, Ordering::Release);
        if let Some(f) = self.flusher.take() {
            f.thread().unpark();
            let _ = f.join();
        }
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_timeout(Duration::from_secs(1));
        }
        recorder::detach_current_thread();
        let trace = self.session.snapshot(self.header.clone());
        jsonl::save(&trace, &self.path)?;
        Ok(self.path.clone())
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        if self.runtime.is_none() {
            return;
        }
        if let Err(e) = self.close() {
            eprintln!("asyncscope: could not write the trace: {e}");
        }
    }
}
