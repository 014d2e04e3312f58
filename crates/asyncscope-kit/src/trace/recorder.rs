//! The recorder: a `tracing_subscriber` layer that turns tokio's own instrumentation into trace
//! events.
//!
//! One layer is installed for the whole process; a [`Session`] collects one run. Threads join a
//! session explicitly (the runtime's `on_thread_start`, or the thread calling `block_on`), so runs
//! on different runtimes — parallel tests, say — never mix. A thread with no session costs one
//! thread-local check per callback.
//!
//! Events go into a per-thread buffer and are moved to the session in batches: when the buffer
//! fills, when the thread parks, when a blocking task ends, and at least every 20 ms, so a live
//! view lags by at most that.

use super::{
    Clock, Event, EventKind, Header, Location, Outcome, ResourceIdx,
    ResourceInfo, ResourceOp, TaskIdx, TaskInfo, TaskKind, ThreadIdx,
    ThreadInfo, Trace,
};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id};
use tracing::subscriber::Interest;
use tracing::{Event as TracingEvent, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer};

const FLUSH_EVERY_EVENTS: usize = 4096;
const FLUSH_EVERY_NS: u64 = 20_000_000;
const SPAN_CACHE_SLOTS: usize = 64;

/// What a tracing span is to us.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SpanRef {
    Task(TaskIdx),
    Resource(ResourceIdx),
}

#[derive(Default)]
struct Tables {
    threads: Vec<ThreadInfo>,
    tasks: Vec<TaskInfo>,
    resources: Vec<ResourceInfo>,
    strings: Vec<String>,
    string_ids: HashMap<String, u32>,
    values: BTreeMap<String, serde_json::Value>,
}

struct SessionShared {
    /// A calibrated TSC where the CPU has a stable one: a third of `clock_gettime`'s cost, and
    /// the recorder reads it for every event.
    tsc: quanta::Clock,
    start_raw: u64,
    clock: Clock,
    /// The runtime clock's zero, for paused clocks (read inside the runtime).
    runtime_zero: Mutex<Option<tokio::time::Instant>>,
    tables: Mutex<Tables>,
    spans: RwLock<HashMap<u64, SpanRef>>,
    /// Flushed batches of events, in flush order (each thread's events in their own order). A
    /// full buffer moves here whole, so busy threads copy nothing.
    batches: Mutex<Vec<Vec<Event>>>,
}

impl SessionShared {
    #[inline]
    fn wall_ns(&self) -> u64 {
        self.tsc.delta_as_nanos(self.start_raw, self.tsc.raw())
    }

    fn runtime_ns(&self) -> Option<u64> {
        let zero = (*self.runtime_zero.lock().unwrap())?;
        // Outside the runtime tokio falls back to the system clock; that is not our clock.
        tokio::runtime::Handle::try_current().ok()?;
        Some(
            tokio::time::Instant::now()
                .saturating_duration_since(zero)
                .as_nanos() as u64,
        )
    }
}

/// One run being recorded. Cheap to clone; all clones feed the same trace.
#[derive(Clone)]
pub struct Session {
    shared: Arc<SessionShared>,
}

impl Session {
    pub fn new(clock: Clock) -> Session {
        let tsc = TSC.get_or_init(quanta::Clock::new).clone();
        let start_raw = tsc.raw();
        Session {
            shared: Arc::new(SessionShared {
                tsc,
                start_raw,
                clock,
                runtime_zero: Mutex::new(None),
                tables: Mutex::new(Tables::default()),
                spans: RwLock::new(HashMap::new()),
                batches: Mutex::new(Vec::new()),
            }),
        }
    }

    /// Fix the runtime clock's zero. Call once, inside the runtime, before the scenario starts.
    pub fn set_runtime_zero(&self) {
        *self.shared.runtime_zero.lock().unwrap() =
            Some(tokio::time::Instant::now());
    }

    /// Make the current thread record into this session until [`detach_current_thread`] (or thread exit).
    pub fn attach_current_thread(&self) {
        let name = std::thread::current()
            .name()
            .unwrap_or("unnamed")
            .to_string();
        let thread = {
            let mut t = self.shared.tables.lock().unwrap();
            let idx = t.threads.len() as ThreadIdx;
            t.threads.push(ThreadInfo { idx, name });
            idx
        };
        SINK.with(|s| {
            let mut s = s.borrow_mut();
            // Dropping a previous sink flushes it.
            *s = Some(ThreadSink::new(self.shared.clone(), thread));
        });
    }

    /// Events recorded so far (those still buffered on busy threads arrive within 20 ms).
    pub fn events_so_far(&self, from: usize) -> Vec<Event> {
        let batches = self.shared.batches.lock().unwrap();
        batches.iter().flatten().skip(from).copied().collect()
    }

    /// The trace so far, for a live view: the side tables and the events moved to the
    /// session until now, in wall-clock order (threads' unflushed events arrive within 20 ms).
    pub fn snapshot(&self, mut header: Header) -> Trace {
        let mut events: Vec<Event> = {
            let batches = self.shared.batches.lock().unwrap();
            batches.iter().flatten().copied().collect()
        };
        events.sort_by_key(|e| e.wall_ns);
        let t = self.shared.tables.lock().unwrap();
        header.clock = self.shared.clock;
        Trace {
            header,
            threads: t.threads.clone(),
            tasks: t.tasks.clone(),
            resources: t.resources.clone(),
            strings: t.strings.clone(),
            events,
            values: t.values.clone(),
        }
    }

    /// Close the recording: flush this thread, and return the trace in wall-clock order.
    /// Other threads must have stopped or detached first (shut the runtime down).
    pub fn finish(self, mut header: Header) -> Trace {
        detach_current_thread();
        let batches =
            std::mem::take(&mut *self.shared.batches.lock().unwrap());
        let mut events =
            Vec::with_capacity(batches.iter().map(Vec::len).sum());
        for batch in batches {
            events.extend_from_slice(&batch);
        }
        // Stable: events of one thread arrive in order and keep it.
        events.sort_by_key(|e| e.wall_ns);
        events.shrink_to_fit();
        let tables =
            std::mem::take(&mut *self.shared.tables.lock().unwrap());
        header.clock = self.shared.clock;
        Trace {
            header,
            threads: tables.threads,
            tasks: tables.tasks,
            resources: tables.resources,
            strings: tables.strings,
            events,
            values: tables.values,
        }
    }

    /// Record a value the scenario computed; it ends up in `Trace::values`.
    pub fn set_value(&self, key: &str, value: serde_json::Value) {
        self.shared
            .tables
            .lock()
            .unwrap()
            .values
            .insert(key.to_string(), value);
    }

    pub fn clock(&self) -> Clock {
        self.shared.clock
    }
}

/// Flush and leave whatever session this thread records into.
pub fn detach_current_thread() {
    // Dropping the sink flushes it.
    drop(SINK.with(|s| s.borrow_mut().take()));
}

/// Move this thread's buffered events to its session (call when a thread goes idle).
pub fn flush_current_thread() {
    with_sink(|s| {
        let now = s.shared.wall_ns();
        s.flush_mut(now);
    });
}

struct ThreadSink {
    shared: Arc<SessionShared>,
    thread: ThreadIdx,
    buf: Vec<Event>,
    /// Tasks being polled on this thread, innermost last (a task may be dropped inside another's
    /// poll).
    tasks: Vec<TaskIdx>,
    resources: Vec<ResourceIdx>,
    cache: [(u64, Option<SpanRef>); SPAN_CACHE_SLOTS],
    last_resource: Option<ResourceIdx>,
    last_runtime_ns: u64,
    last_flush_ns: u64,
    /// Set on the one thread a watchdog watches (see [`watch_current_thread`]).
    watched: Option<Arc<PollWatch>>,
}

/// The poll in progress on a watched thread, for a watchdog on another thread to read: a run
/// stopped at its time limit can then say which task's poll never ended, where that task was
/// spawned, and since when. Two atomic stores per poll, on that thread only.
pub struct PollWatch {
    shared: Arc<SessionShared>,
    /// Index + 1 of the task in poll; 0 when none.
    task: AtomicU32,
    /// When that poll started, in the session's wall ns.
    since_ns: AtomicU64,
}

impl PollWatch {
    /// The task in poll on the watched thread, and for how long it has been in that poll.
    pub fn in_poll(&self) -> Option<(TaskInfo, std::time::Duration)> {
        let task = self.task.load(Ordering::Acquire).checked_sub(1)?;
        let since = self.since_ns.load(Ordering::Acquire);
        let info = self
            .shared
            .tables
            .lock()
            .ok()?
            .tasks
            .get(task as usize)?
            .clone();
        let now = self.shared.wall_ns();
        Some((
            info,
            std::time::Duration::from_nanos(now.saturating_sub(since)),
        ))
    }
}

/// Watch the polls on the current thread (it must record into a session): returns what a
/// watchdog thread reads.
pub fn watch_current_thread() -> Option<Arc<PollWatch>> {
    with_sink(|s| {
        let watch = Arc::new(PollWatch {
            shared: s.shared.clone(),
            task: AtomicU32::new(0),
            since_ns: AtomicU64::new(0),
        });
        s.watched = Some(watch.clone());
        watch
    })
}

impl ThreadSink {
    fn new(shared: Arc<SessionShared>, thread: ThreadIdx) -> Self {
        ThreadSink {
            shared,
            thread,
            buf: Vec::with_capacity(FLUSH_EVERY_EVENTS),
            tasks: Vec::with_capacity(4),
            resources: Vec::with_capacity(4),
            cache: [(0, None); SPAN_CACHE_SLOTS],
            last_resource: None,
            last_runtime_ns: 0,
            last_flush_ns: 0,
            watched: None,
        }
    }

    fn flush_mut(&mut self, now: u64) {
        if self.buf.len() == self.buf.capacity() {
            let full = std::mem::replace(
                &mut self.buf,
                Vec::with_capacity(FLUSH_EVERY_EVENTS),
            );
            self.shared.batches.lock().unwrap().push(full);
        } else if !self.buf.is_empty() {
            // A partial batch (idle thread, timer): copy it out so no spare capacity is kept.
            self.shared.batches.lock().unwrap().push(self.buf.clone());
            self.buf.clear();
        }
        self.last_flush_ns = now;
    }

    #[inline]
    fn push(&mut self, kind: EventKind, a: u32, flag: u8) {
        let wall = self.shared.wall_ns();
        if self.shared.clock == Clock::Paused {
            self.sync_clock(wall);
        }
        self.buf.push(Event::new(kind, wall, self.thread, a, flag));
        if self.buf.len() >= FLUSH_EVERY_EVENTS
            || wall - self.last_flush_ns > FLUSH_EVERY_NS
        {
            self.flush_mut(wall);
        }
    }

    #[cold]
    fn sync_clock(&mut self, wall: u64) {
        if let Some(rt) = self.shared.runtime_ns()
            && rt != self.last_runtime_ns
        {
            self.last_runtime_ns = rt;
            self.buf.push(Event::clock_sync(wall, rt));
        }
    }

    #[inline]
    fn lookup(&mut self, id: &Id) -> Option<SpanRef> {
        let key = id.into_u64();
        let slot = (key as usize ^ (key >> 17) as usize) % SPAN_CACHE_SLOTS;
        let (cached_key, cached) = self.cache[slot];
        if cached_key == key {
            return cached;
        }
        let found = self.shared.spans.read().unwrap().get(&key).copied();
        // Only positive answers are cached: a span we have not seen yet may be registered later.
        if found.is_some() {
            self.cache[slot] = (key, found);
        }
        found
    }

    fn forget(&mut self, id: &Id) {
        let key = id.into_u64();
        let slot = (key as usize ^ (key >> 17) as usize) % SPAN_CACHE_SLOTS;
        if self.cache[slot].0 == key {
            self.cache[slot] = (0, None);
        }
    }

    fn current_task(&self) -> Option<TaskIdx> {
        self.tasks.last().copied()
    }

    /// Register a resource (tokio's or one of ours) and record its creation.
    fn add_resource(&mut self, mut info: ResourceInfo) -> ResourceIdx {
        let idx = {
            let mut t = self.shared.tables.lock().unwrap();
            let idx = t.resources.len() as ResourceIdx;
            info.idx = idx;
            t.resources.push(info);
            idx
        };
        self.push(EventKind::ResourceNew, idx, 0);
        idx
    }
}

impl Drop for ThreadSink {
    fn drop(&mut self) {
        let now = self.shared.wall_ns();
        self.flush_mut(now);
    }
}

thread_local! {
    static SINK: RefCell<Option<ThreadSink>> = const { RefCell::new(None) };
}

#[inline]
fn with_sink<R>(f: impl FnOnce(&mut ThreadSink) -> R) -> Option<R> {
    SINK.try_with(|s| match s.try_borrow_mut() {
        Ok(mut s) => s.as_mut().map(f),
        // Re-entered from inside our own callback (a panic hook, say): drop the event.
        Err(_) => None,
    })
    .ok()
    .flatten()
}

/// Is the current thread recording into a session?
pub fn is_recording() -> bool {
    with_sink(|_| ()).is_some()
}

// ---- the API scenario code and probes use --------------------------------------------------

/// A labelled moment on the current task's lane.
pub fn mark(text: &str) {
    with_sink(|s| {
        let idx = {
            let mut t = s.shared.tables.lock().unwrap();
            match t.string_ids.get(text) {
                Some(&i) => i,
                None => {
                    let i = t.strings.len() as u32;
                    t.strings.push(text.to_string());
                    t.string_ids.insert(text.to_string(), i);
                    i
                }
            }
        };
        s.push(EventKind::Mark, idx, 0);
    });
}

/// Record how the task being polled on this thread ended.
/// `extra_flags` may carry [`super::OUTCOME_DROPPED`].
pub fn outcome(outcome: Outcome, extra_flags: u8) {
    with_sink(|s| {
        if let Some(task) = s.current_task() {
            s.push(EventKind::Outcome, task, outcome as u8 | extra_flags);
        }
    });
}

/// Flag the task being polled as part of asyncscope's measuring, not the scenario.
pub fn mark_current_task_as_probe() {
    with_sink(|s| {
        if let Some(task) = s.current_task() {
            s.shared.tables.lock().unwrap().tasks[task as usize].probe =
                true;
        }
    });
}

pub fn heartbeat(lag_us: u32) {
    with_sink(|s| s.push(EventKind::Heartbeat, lag_us, 0));
}

pub fn run_end(timed_out: bool) {
    with_sink(|s| s.push(EventKind::RunEnd, 0, timed_out as u8));
}

/// Register a resource tokio does not instrument (our channels). `None` when not recording.
pub fn new_resource(info: ResourceInfo) -> Option<ResourceIdx> {
    with_sink(|s| s.add_resource(info))
}

/// Flag the resource most recently created on this thread as asyncscope's own (the run's time
/// limit), so the timeline never says a task waits on it.
pub fn mark_last_resource_as_probe() {
    with_sink(|s| {
        if let Some(r) = s.last_resource {
            s.shared.tables.lock().unwrap().resources[r as usize].probe =
                true;
        }
    });
}

/// Name the resource most recently created on this thread ("account A" for a tokio Mutex).
pub fn label_last_resource(label: &str) {
    with_sink(|s| {
        if let Some(r) = s.last_resource {
            s.shared.tables.lock().unwrap().resources[r as usize].label =
                Some(label.to_string());
        }
    });
}

pub fn resource_poll(resource: ResourceIdx, flags: u8) {
    with_sink(|s| s.push(EventKind::ResourcePoll, resource, flags));
}

pub fn resource_state(resource: ResourceIdx, op: ResourceOp) {
    with_sink(|s| s.push(EventKind::ResourceState, resource, op as u8));
}

pub fn resource_close(resource: ResourceIdx) {
    with_sink(|s| s.push(EventKind::ResourceClose, resource, 0));
}

/// Record a value from inside the run (for code that has no `Session` handle).
pub fn set_value(key: &str, value: serde_json::Value) {
    with_sink(|s| {
        s.shared
            .tables
            .lock()
            .unwrap()
            .values
            .insert(key.to_string(), value);
    });
}

// ---- the layer -------------------------------------------------------------------------------

/// The tracing layer. Install it once with [`install`].
pub struct RecorderLayer {
    /// With console-subscriber beside us, callsites we ignore must stay enabled for it.
    share_callsites: bool,
}

/// Waker callsites that only ever report clones and drops. tokio passes each callsite a fixed
/// op string, so one sighting is enough to turn the callsite off for good.
static MUTED: RwLock<Vec<tracing::callsite::Identifier>> =
    RwLock::new(Vec::new());

fn is_muted(meta: &Metadata<'_>) -> bool {
    meta.target() == "tokio::task::waker"
        && MUTED.read().unwrap().contains(&meta.callsite())
}

fn mute(meta: &Metadata<'_>) {
    {
        let mut muted = MUTED.write().unwrap();
        if muted.contains(&meta.callsite()) {
            return;
        }
        muted.push(meta.callsite());
    }
    tracing::callsite::rebuild_interest_cache();
}

fn is_ours(meta: &Metadata<'_>) -> bool {
    if meta.is_span() {
        matches!(meta.name(), "runtime.spawn" | "runtime.resource")
    } else {
        matches!(
            meta.target(),
            "tokio::task::waker"
                | "runtime::resource::poll_op"
                | "runtime::resource::state_update"
        )
    }
}

impl<S: Subscriber> Layer<S> for RecorderLayer {
    fn register_callsite(
        &self,
        meta: &'static Metadata<'static>,
    ) -> Interest {
        if !self.share_callsites && is_muted(meta) {
            Interest::never()
        } else if is_ours(meta) {
            Interest::always()
        } else if self.share_callsites {
            Interest::sometimes()
        } else {
            Interest::never()
        }
    }

    fn enabled(&self, meta: &Metadata<'_>, _ctx: Context<'_, S>) -> bool {
        self.share_callsites || is_ours(meta)
    }

    fn on_new_span(
        &self,
        attrs: &Attributes<'_>,
        id: &Id,
        _ctx: Context<'_, S>,
    ) {
        let meta = attrs.metadata();
        match meta.name() {
            "runtime.spawn" => {
                with_sink(|s| {
                    let mut f = SpawnFields::default();
                    attrs.record(&mut f);
                    let idx = {
                        let mut t = s.shared.tables.lock().unwrap();
                        let idx = t.tasks.len() as TaskIdx;
                        t.tasks.push(TaskInfo {
                            idx,
                            tokio_id: f.task_id,
                            name: f.name,
                            kind: TaskKind::parse(&f.kind),
                            spawned_at: f.file.map(|file| Location {
                                file,
                                line: f.line,
                                col: f.col,
                            }),
                            parent: s.current_task(),
                            probe: false,
                        });
                        idx
                    };
                    s.shared
                        .spans
                        .write()
                        .unwrap()
                        .insert(id.into_u64(), SpanRef::Task(idx));
                    s.push(EventKind::TaskSpawn, idx, 0);
                });
            }
            "runtime.resource" => {
                with_sink(|s| {
                    let mut f = ResourceFields::default();
                    attrs.record(&mut f);
                    let idx = s.add_resource(ResourceInfo {
                        idx: 0,
                        concrete_type: f.concrete_type,
                        kind: f.kind,
                        label: None,
                        created_at: f.file.map(|file| Location {
                            file,
                            line: f.line,
                            col: f.col,
                        }),
                        duration_ms: None,
                        capacity: None,
                        probe: false,
                    });
                    // Only outermost ones: a Mutex makes its inner Semaphore inside its own span.
                    if s.resources.is_empty() {
                        s.last_resource = Some(idx);
                    }
                    s.shared
                        .spans
                        .write()
                        .unwrap()
                        .insert(id.into_u64(), SpanRef::Resource(idx));
                });
            }
            _ => {}
        }
    }

    #[inline]
    fn on_enter(&self, id: &Id, _ctx: Context<'_, S>) {
        with_sink(|s| match s.lookup(id) {
            Some(SpanRef::Task(t)) => {
                s.tasks.push(t);
                s.push(EventKind::PollStart, t, 0);
                if let Some(w) = &s.watched {
                    w.since_ns.store(s.shared.wall_ns(), Ordering::Release);
                    w.task.store(t + 1, Ordering::Release);
                }
            }
            Some(SpanRef::Resource(r)) => s.resources.push(r),
            None => {}
        });
    }

    #[inline]
    fn on_exit(&self, id: &Id, _ctx: Context<'_, S>) {
        with_sink(|s| match s.lookup(id) {
            Some(SpanRef::Task(t)) => {
                if let Some(pos) = s.tasks.iter().rposition(|&x| x == t) {
                    s.tasks.remove(pos);
                }
                s.push(EventKind::PollEnd, t, 0);
                if let Some(w) = &s.watched {
                    // An outer poll goes on (a task dropped inside another's poll): it
                    // counts as in poll since now, which only makes it look shorter.
                    w.since_ns.store(s.shared.wall_ns(), Ordering::Release);
                    w.task.store(
                        s.tasks.last().map_or(0, |o| o + 1),
                        Ordering::Release,
                    );
                }
            }
            Some(SpanRef::Resource(r)) => {
                if let Some(pos) = s.resources.iter().rposition(|&x| x == r)
                {
                    s.resources.remove(pos);
                }
            }
            None => {}
        });
    }

    fn on_close(&self, id: Id, _ctx: Context<'_, S>) {
        with_sink(|s| {
            let found = s.lookup(&id);
            s.forget(&id);
            match found {
                Some(SpanRef::Task(t)) => {
                    s.shared.spans.write().unwrap().remove(&id.into_u64());
                    s.push(EventKind::TaskClose, t, 0);
                    let blocking = s.shared.tables.lock().unwrap().tasks
                        [t as usize]
                        .kind
                        == TaskKind::Blocking;
                    if blocking {
                        let now = s.shared.wall_ns();
                        s.flush_mut(now);
                    }
                }
                Some(SpanRef::Resource(r)) => {
                    s.shared.spans.write().unwrap().remove(&id.into_u64());
                    s.push(EventKind::ResourceClose, r, 0);
                }
                None => {}
            }
        });
    }

    #[inline]
    fn on_event(&self, event: &TracingEvent<'_>, _ctx: Context<'_, S>) {
        let target = event.metadata().target();
        if target == "tokio::task::waker" {
            let mut f = WakerFields::default();
            event.record(&mut f);
            if f.op == WakerOp::Other {
                // waker.clone / waker.drop: we never record them, and every yield costs one.
                if !self.share_callsites {
                    mute(event.metadata());
                }
                return;
            }
            with_sink(|s| {
                if f.op != WakerOp::Other
                    && let Some(SpanRef::Task(t)) =
                        s.lookup(&Id::from_non_zero_u64(
                            std::num::NonZeroU64::new(f.span_id)
                                .unwrap_or(std::num::NonZeroU64::MIN),
                        ))
                {
                    s.push(
                        EventKind::Wake,
                        t,
                        (f.op == WakerOp::WakeByRef) as u8,
                    );
                }
            });
        } else if target == "runtime::resource::poll_op" {
            with_sink(|s| {
                let Some(&r) = s.resources.last() else { return };
                let mut f = PollOpFields::default();
                event.record(&mut f);
                s.push(
                    EventKind::ResourcePoll,
                    r,
                    if f.ready { super::WaitFlag::READY } else { 0 },
                );
            });
        } else if target == "runtime::resource::state_update" {
            with_sink(|s| {
                let Some(&r) = s.resources.last() else { return };
                let mut f = StateFields::default();
                event.record(&mut f);
                if let Some(ms) = f.duration_ms {
                    let mut t = s.shared.tables.lock().unwrap();
                    let res = &mut t.resources[r as usize];
                    if res.duration_ms.is_none() {
                        res.duration_ms = Some(ms);
                    }
                }
                match f.locked {
                    Some(true) => s.push(
                        EventKind::ResourceState,
                        r,
                        ResourceOp::Locked as u8,
                    ),
                    Some(false) => s.push(
                        EventKind::ResourceState,
                        r,
                        ResourceOp::Unlocked as u8,
                    ),
                    None => {}
                }
            });
        }
    }
}

#[derive(Default)]
struct SpawnFields {
    kind: String,
    name: String,
    task_id: u64,
    file: Option<String>,
    line: u32,
    col: u32,
}

impl Visit for SpawnFields {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "loc.file" => self.file = Some(value.to_string()),
            "kind" => self.kind = value.to_string(),
            "task.name" => self.name = value.to_string(),
            _ => {}
        }
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        match field.name() {
            "task.id" => self.task_id = value,
            "loc.line" => self.line = value as u32,
            "loc.col" => self.col = value as u32,
            _ => {}
        }
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.record_u64(field, value as u64);
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        match field.name() {
            "kind" => self.kind = format!("{value:?}"),
            "task.name" => self.name = format!("{value:?}"),
            _ => {}
        }
    }
}

#[derive(Default)]
struct ResourceFields {
    concrete_type: String,
    kind: String,
    file: Option<String>,
    line: u32,
    col: u32,
}

impl Visit for ResourceFields {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "concrete_type" => self.concrete_type = value.to_string(),
            "kind" => self.kind = value.to_string(),
            "loc.file" => self.file = Some(value.to_string()),
            _ => {}
        }
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        match field.name() {
            "loc.line" => self.line = value as u32,
            "loc.col" => self.col = value as u32,
            _ => {}
        }
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.record_u64(field, value as u64);
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        match field.name() {
            "concrete_type" => {
                self.concrete_type =
                    format!("{value:?}").trim_matches('"').into()
            }
            "kind" => {
                self.kind = format!("{value:?}").trim_matches('"').into()
            }
            _ => {}
        }
    }
}

#[derive(Default, PartialEq, Eq)]
enum WakerOp {
    Wake,
    WakeByRef,
    #[default]
    Other,
}

#[derive(Default)]
struct WakerFields {
    op: WakerOp,
    span_id: u64,
}

impl Visit for WakerFields {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "op" {
            self.op = match value {
                "waker.wake" => WakerOp::Wake,
                "waker.wake_by_ref" => WakerOp::WakeByRef,
                _ => WakerOp::Other,
            };
        }
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        if field.name() == "task.id" {
            self.span_id = value;
        }
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "op" {
            let text = format!("{value:?}");
            self.record_str(field, text.trim_matches('"'));
        }
    }
}

#[derive(Default)]
struct PollOpFields {
    ready: bool,
}

impl Visit for PollOpFields {
    fn record_bool(&mut self, field: &Field, value: bool) {
        if field.name() == "is_ready" {
            self.ready = value;
        }
    }
    fn record_debug(
        &mut self,
        _field: &Field,
        _value: &dyn std::fmt::Debug,
    ) {
    }
}

#[derive(Default)]
struct StateFields {
    duration_ms: Option<u64>,
    locked: Option<bool>,
}

impl Visit for StateFields {
    fn record_u64(&mut self, field: &Field, value: u64) {
        if field.name() == "duration" {
            self.duration_ms = Some(value);
        }
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        if field.name() == "locked" {
            self.locked = Some(value);
        }
    }
    fn record_debug(
        &mut self,
        _field: &Field,
        _value: &dyn std::fmt::Debug,
    ) {
    }
}

// ---- installing ------------------------------------------------------------------------------

static TSC: OnceLock<quanta::Clock> = OnceLock::new();

static INSTALLED: OnceLock<()> = OnceLock::new();

/// Install the recorder as the process's tracing subscriber (once; later calls do nothing).
pub fn install() {
    INSTALLED.get_or_init(|| {
        use tracing_subscriber::layer::SubscriberExt;
        let subscriber = tracing_subscriber::registry().with(RecorderLayer {
            share_callsites: false,
        });
        let _ = tracing::subscriber::set_global_default(subscriber);
    });
}

/// Install the recorder beside `other` (console-subscriber's layer, so a real tokio-console
/// can attach while the run is recorded). `false` when a recorder was installed already:
/// then `other` is not installed.
pub fn install_beside<L>(other: L) -> bool
where
    L: Layer<tracing_subscriber::Registry> + Send + Sync + 'static,
{
    let mut installed_now = false;
    INSTALLED.get_or_init(|| {
        use tracing_subscriber::layer::SubscriberExt;
        let subscriber = tracing_subscriber::registry().with(other).with(
            RecorderLayer {
                share_callsites: true,
            },
        );
        installed_now =
            tracing::subscriber::set_global_default(subscriber).is_ok();
    });
    installed_now
}
