//! What scenario code uses to be seen clearly: named tasks whose outcome is recorded, marks,
//! cooperative cancellation, the heartbeat probe, and channels tokio does not instrument.

use crate::trace::recorder;
use crate::trace::{
    Clock, OUTCOME_DROPPED, Outcome, ResourceIdx, ResourceInfo, ResourceOp,
    WaitFlag,
};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::task::JoinHandle;

/// A future that records how its task ended: completed, panicked, or dropped (cancelled).
pub struct Tracked<F> {
    inner: Pin<Box<F>>,
    finished: bool,
}

impl<F> Tracked<F> {
    pub fn new(inner: F) -> Self {
        Tracked {
            inner: Box::pin(inner),
            finished: false,
        }
    }
}

/// Records a panic that unwinds out of a poll; forgotten when the poll returns normally.
struct PanicGuard<'a>(&'a mut bool);

impl Drop for PanicGuard<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            *self.0 = true;
            recorder::outcome(Outcome::Panicked, 0);
        }
    }
}

impl<F: Future> Future for Tracked<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.get_mut();
        let guard = PanicGuard(&mut this.finished);
        let result = this.inner.as_mut().poll(cx);
        std::mem::forget(guard);
        if result.is_ready() {
            this.finished = true;
            recorder::outcome(Outcome::Completed, 0);
        }
        result
    }
}

impl<F> Drop for Tracked<F> {
    fn drop(&mut self) {
        if !self.finished {
            recorder::outcome(Outcome::Cancelled, OUTCOME_DROPPED);
        }
    }
}

/// Spawn a named task whose outcome the timeline will know.
#[track_caller]
pub fn spawn<F>(name: &str, future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    tokio::task::Builder::new()
        .name(name)
        .spawn(Tracked::new(future))
        .expect("spawning a task")
}

/// Spawn a named, tracked task into a `JoinSet`.
#[track_caller]
pub fn spawn_in<F>(
    set: &mut tokio::task::JoinSet<F::Output>,
    name: &str,
    future: F,
) where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    set.build_task()
        .name(name)
        .spawn(Tracked::new(future))
        .expect("spawning a task");
}

/// Run blocking (CPU or synchronous I/O) work on tokio's blocking pool, under a name.
#[track_caller]
pub fn spawn_blocking<F, R>(name: &str, work: F) -> JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    tokio::task::Builder::new()
        .name(name)
        .spawn_blocking(move || {
            let mut finished = false;
            let guard = PanicGuard(&mut finished);
            let result = work();
            std::mem::forget(guard);
            recorder::outcome(Outcome::Completed, 0);
            result
        })
        .expect("spawning blocking work")
}

with_probes! {
    /// A labelled moment on the current task's lane.
    pub fn mark(text: &str) {
        recorder::mark(text);
    }
}

with_probes! {
    /// The current task is stopping because it was asked to (a token, a shutdown signal): its
    /// outcome is "cancelled" even though its future returns normally.
    pub fn cancelled() {
        recorder::outcome(Outcome::Cancelled, 0);
    }
}

with_probes! {
    /// Record a value the scenario computed (it shows in `values` of the JSON export).
    pub fn set_value(key: &str, value: impl Into<serde_json::Value>) {
        recorder::set_value(key, value.into());
    }
}

with_probes! {
    /// Holds tokio's paused clock still while work the runtime cannot see runs (a rayon job, a
    /// plain `std::thread`), until it is dropped. A paused clock jumps to the next timer whenever
    /// the runtime has nothing to do: without a hold, the heartbeat's 10 ms timer would fire
    /// thousands of times, in no wall time, while the work computes, and a run's time limit
    /// would pass before the work is done. Blocking-pool work holds the paused clock, so a hidden
    /// blocking task (a probe, not drawn) waits until the hold is dropped.
    pub struct ClockHold {
        _release: std::sync::mpsc::Sender<()>,
    }
}

with_probes! {
    /// Hold the paused clock of the runtime behind `handle` (see [`ClockHold`]).
    pub fn hold_paused_clock(handle: &tokio::runtime::Handle) -> ClockHold {
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        handle.spawn_blocking(move || {
            recorder::mark_current_task_as_probe();
            let _ = rx.recv(); // returns once the sender is dropped
        });
        ClockHold { _release: tx }
    }
}

with_probes! {
    /// Counts wall time during which every worker thread of the runtime was parked.
    ///
    /// With a paused clock a sleep should take no wall time at all, except while tokio holds the
    /// clock still because blocking work is running; that waiting is the runtime idling, not lag.
    #[derive(Debug)]
    pub struct IdleMeter {
        origin: Instant,
        workers: usize,
        parked: AtomicUsize,
        all_idle_since_ns: AtomicU64,
        all_idle_total_ns: AtomicU64,
    }
}

impl IdleMeter {
    pub fn new(workers: usize) -> Arc<IdleMeter> {
        Arc::new(IdleMeter {
            origin: Instant::now(),
            workers: workers.max(1),
            parked: AtomicUsize::new(0),
            all_idle_since_ns: AtomicU64::new(0),
            all_idle_total_ns: AtomicU64::new(0),
        })
    }

    fn now_ns(&self) -> u64 {
        self.origin.elapsed().as_nanos() as u64
    }

    pub fn on_park(&self) {
        if self.parked.fetch_add(1, Ordering::AcqRel) + 1 == self.workers {
            self.all_idle_since_ns
                .store(self.now_ns(), Ordering::Release);
        }
    }

    pub fn on_unpark(&self) {
        if self.parked.fetch_sub(1, Ordering::AcqRel) == self.workers {
            let since = self.all_idle_since_ns.load(Ordering::Acquire);
            self.all_idle_total_ns.fetch_add(
                self.now_ns().saturating_sub(since),
                Ordering::AcqRel,
            );
        }
    }

    /// Total wall time so far with every worker parked.
    pub fn idle_ns(&self) -> u64 {
        self.all_idle_total_ns.load(Ordering::Acquire)
    }
}

with_probes! {
    /// The heartbeat: a probe task that sleeps `period` in a loop and records how late each tick
    /// fired, in wall time. On the real clock that is the tick's lateness. On a paused clock a tick
    /// should fire at once, so lag is the wall time its sleep took while the runtime was not idle:
    /// time some other poll kept the thread busy.
    pub fn start_heartbeat(
        period: Duration,
        clock: Clock,
        idle: Arc<IdleMeter>,
    ) -> JoinHandle<()> {
        spawn("heartbeat", async move {
            recorder::mark_current_task_as_probe();
            loop {
                let wall_start = Instant::now();
                let idle_start = idle.idle_ns();
                tokio::time::sleep(period).await;
                let elapsed = wall_start.elapsed();
                let lag = match clock {
                    Clock::Real => elapsed.saturating_sub(period),
                    Clock::Paused => {
                        let idle_ns = idle.idle_ns().saturating_sub(idle_start);
                        elapsed.saturating_sub(Duration::from_nanos(idle_ns))
                    }
                };
                recorder::heartbeat(
                    lag.as_micros().min(u32::MAX as u128) as u32
                );
            }
        })
    }
}

with_probes! {
    /// Await `future` as a wait on something named, so the timeline can say what an idle task waits
    /// for even when tokio does not instrument it: `wait_on("the start signal", rx.wait_for(..))`.
    pub async fn wait_on<F: Future>(label: &str, future: F) -> F::Output {
        wait_named(label, None, future).await
    }
}

with_probes! {
    /// [`wait_on`], remembering where in the learner's code the wait was started, so a grade can
    /// say "look at line 14".
    pub async fn wait_on_at<F: Future>(
        label: &str,
        called_at: &'static std::panic::Location<'static>,
        future: F,
    ) -> F::Output {
        let at = crate::trace::Location {
            file: called_at.file().to_string(),
            line: called_at.line(),
            col: called_at.column(),
        };
        wait_named(label, Some(at), future).await
    }
}

async fn wait_named<F: Future>(
    label: &str,
    created_at: Option<crate::trace::Location>,
    future: F,
) -> F::Output {
    let resource = recorder::new_resource(ResourceInfo {
        idx: 0,
        concrete_type: "wait".to_string(),
        kind: "wait".to_string(),
        label: Some(label.to_string()),
        created_at,
        duration_ms: None,
        capacity: None,
        probe: false,
    });
    // Closed when the wait ends or is dropped (cancelled), so its lifetime on the timeline
    // is exactly the wait.
    let _close = CloseOnDrop(resource);
    WaitOn {
        inner: Box::pin(future),
        resource,
        flag: 0,
    }
    .await
}

struct CloseOnDrop(Option<ResourceIdx>);

impl Drop for CloseOnDrop {
    fn drop(&mut self) {
        if let Some(r) = self.0 {
            recorder::resource_close(r);
        }
    }
}

with_probes! {
    /// Name the resource just created on this thread, e.g. right after `Mutex::new`, so the
    /// timeline says "Mutex account A" instead of where it was made.
    pub fn label_resource(label: &str) {
        recorder::label_last_resource(label);
    }
}

/// A bounded mpsc channel whose waits show on the timeline: a sender parked on a full queue, a
/// receiver waiting for a message. (tokio does not instrument its channels.)
pub fn channel<T>(
    label: &str,
    capacity: usize,
) -> (Sender<T>, Receiver<T>) {
    let (tx, rx) = tokio::sync::mpsc::channel(capacity);
    let resource = recorder::new_resource(ResourceInfo {
        idx: 0,
        concrete_type: "channel".to_string(),
        kind: "channel".to_string(),
        label: Some(label.to_string()),
        created_at: None,
        duration_ms: None,
        capacity: Some(capacity as u64),
        probe: false,
    });
    (Sender { tx, resource }, Receiver { rx, resource })
}

/// Awaits `inner` as a wait on `resource`. The poll is reported after the inner future's, so
/// what tokio uses underneath (a channel's semaphore) does not hide the resource a learner knows.
struct WaitOn<F> {
    inner: Pin<Box<F>>,
    resource: Option<ResourceIdx>,
    flag: u8,
}

impl<F: Future> Future for WaitOn<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.get_mut();
        let result = this.inner.as_mut().poll(cx);
        if let Some(r) = this.resource {
            let ready = if result.is_ready() {
                WaitFlag::READY
            } else {
                0
            };
            recorder::resource_poll(r, this.flag | ready);
        }
        result
    }
}

pub struct Sender<T> {
    tx: tokio::sync::mpsc::Sender<T>,
    resource: Option<ResourceIdx>,
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        Sender {
            tx: self.tx.clone(),
            resource: self.resource,
        }
    }
}

pub struct Receiver<T> {
    rx: tokio::sync::mpsc::Receiver<T>,
    resource: Option<ResourceIdx>,
}

impl<T> Sender<T> {
    /// Send, waiting while the queue is full. `Err` gives the value back when the receiver is
    /// gone.
    pub async fn send(&self, value: T) -> Result<(), T> {
        use tokio::sync::mpsc::error::TrySendError;
        let value = match self.tx.try_send(value) {
            Ok(()) => {
                self.note(ResourceOp::Sent);
                return Ok(());
            }
            Err(TrySendError::Closed(v)) => return Err(v),
            Err(TrySendError::Full(v)) => v,
        };
        match (WaitOn {
            inner: Box::pin(self.tx.send(value)),
            resource: self.resource,
            flag: WaitFlag::SEND,
        })
        .await
        {
            Ok(()) => {
                self.note(ResourceOp::Sent);
                Ok(())
            }
            Err(e) => Err(e.0),
        }
    }

    fn note(&self, op: ResourceOp) {
        if let Some(r) = self.resource {
            recorder::resource_state(r, op);
        }
    }
}

impl<T> Receiver<T> {
    /// The next message; `None` once every sender is gone and the queue is empty.
    pub async fn recv(&mut self) -> Option<T> {
        use tokio::sync::mpsc::error::TryRecvError;
        match self.rx.try_recv() {
            Ok(v) => {
                self.note(ResourceOp::Received);
                return Some(v);
            }
            Err(TryRecvError::Disconnected) => return None,
            Err(TryRecvError::Empty) => {}
        }
        let resource = self.resource;
        let v = WaitOn {
            inner: Box::pin(self.rx.recv()),
            resource,
            flag: WaitFlag::RECV,
        }
        .await;
        if v.is_some() {
            self.note(ResourceOp::Received);
        }
        v
    }

    pub fn close(&mut self) {
        self.rx.close();
    }

    fn note(&self, op: ResourceOp) {
        if let Some(r) = self.resource {
            recorder::resource_state(r, op);
        }
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        if let Some(r) = self.resource {
            recorder::resource_close(r);
        }
    }
}
