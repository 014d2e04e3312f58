//! The trace: an append-only log of what a tokio runtime did during one run.
//!
//! Events are kept compact (16 bytes) because a busy run records millions of them: names,
//! locations and other text live once in side tables (`tasks`, `resources`, `threads`,
//! `strings`) and events refer to them by index.
//!
//! Some facts are implied by the order of events rather than stored twice. On each thread,
//! events are in the order they happened, so "the task being polled on this thread" at any event
//! is the task of the last `PollStart` without its `PollEnd`: that is who woke a task, who polled
//! a resource, who set a mark. The runtime clock is stored the same way: with the real clock it
//! equals the wall clock; with a paused clock it only moves while the runtime is idle, so the
//! recorder writes a `ClockSync` whenever it changed and every later event shares it.

pub mod jsonl;
crate::with_probes! {
    pub mod recorder;
}

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Bumped whenever a saved trace would be read differently.
pub const FORMAT_VERSION: u32 = 1;
/// The first field of every saved trace, so a stray JSON file is not mistaken for one.
pub const FORMAT_NAME: &str = "asyncscope-trace";

pub type TaskIdx = u32;
pub type ResourceIdx = u32;
pub type ThreadIdx = u16;

/// What happened. The meaning of `Event::a` and `Event::flag` depends on the kind.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum EventKind {
    /// `a` = task. Its details are in `Trace::tasks`.
    TaskSpawn,
    /// `a` = task; polled on `thread`.
    PollStart,
    /// `a` = task.
    PollEnd,
    /// `a` = the woken task; `flag` = [`WakeFlag`] bits. The waker is the task being polled on
    /// `thread`, if any; otherwise the runtime (timer, I/O driver, a deferred yield).
    Wake,
    /// `a` = task: tokio released it (after completion, abort, or at shutdown).
    TaskClose,
    /// `a` = task; `flag` = [`Outcome`] as u8. Written by the task wrapper in `probe`.
    Outcome,
    /// `a` = resource. Its details are in `Trace::resources`.
    ResourceNew,
    /// `a` = resource; `flag` = [`WaitFlag`] bits. The poller is the task in poll on `thread`.
    ResourcePoll,
    /// `a` = resource; `flag` = [`ResourceOp`] as u8, done by the task in poll on `thread`.
    ResourceState,
    /// `a` = resource.
    ResourceClose,
    /// `a` = index into `Trace::strings`; set by the task in poll on `thread`.
    Mark,
    /// `a` = how late the heartbeat tick fired, in microseconds.
    Heartbeat,
    /// The runtime clock, in ns since the run started, packed into `a` (low 32 bits) and `thread`
    /// (high 16 bits). Only written for paused clocks.
    ClockSync,
    /// The scenario's root future returned (`flag` = 0) or hit the run's time limit (`flag` = 1).
    /// Tasks alive at this point were leaked.
    RunEnd,
}

/// One thing the runtime did, stamped with the wall clock (ns since the run started).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
pub struct Event {
    pub wall_ns: u64,
    pub a: u32,
    pub thread: ThreadIdx,
    pub kind: EventKind,
    pub flag: u8,
}

const _: () = assert!(std::mem::size_of::<Event>() == 16);

/// The largest runtime-clock value a `ClockSync` can carry (about 78 hours).
pub const MAX_CLOCK_NS: u64 = (1 << 48) - 1;

impl Event {
    pub fn new(
        kind: EventKind,
        wall_ns: u64,
        thread: ThreadIdx,
        a: u32,
        flag: u8,
    ) -> Self {
        Event {
            wall_ns,
            a,
            thread,
            kind,
            flag,
        }
    }

    pub fn clock_sync(wall_ns: u64, runtime_ns: u64) -> Self {
        let rt = runtime_ns.min(MAX_CLOCK_NS);
        Event::new(
            EventKind::ClockSync,
            wall_ns,
            (rt >> 32) as u16,
            rt as u32,
            0,
        )
    }

    /// For a `ClockSync`: the runtime clock it carries.
    pub fn clock_ns(&self) -> u64 {
        ((self.thread as u64) << 32) | self.a as u64
    }
}

/// How a task ended, as far as the task itself could tell.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum Outcome {
    Completed = 0,
    /// Aborted, dropped at an await point, or stopped itself when asked to (a token).
    Cancelled = 1,
    Panicked = 2,
}

/// Set in an `Outcome` event's flag when the task's future was dropped before finishing: that
/// enter/exit pair of the task's span was the drop, not a poll.
pub const OUTCOME_DROPPED: u8 = 0x80;

impl Outcome {
    /// Reads an `Outcome` event's flag (the [`OUTCOME_DROPPED`] bit is ignored).
    pub fn from_u8(v: u8) -> Option<Outcome> {
        match v & !OUTCOME_DROPPED {
            0 => Some(Outcome::Completed),
            1 => Some(Outcome::Cancelled),
            2 => Some(Outcome::Panicked),
            _ => None,
        }
    }
}

/// Bits of `flag` on a `Wake`.
pub struct WakeFlag;
impl WakeFlag {
    /// tokio's wake_by_ref.
    pub const BY_REF: u8 = 1;
    /// Woken from outside any task by a timer firing (asyncio; tokio's recorder cannot tell).
    pub const TIMER: u8 = 2;
    /// Woken from outside any task by another thread (asyncio's `call_soon_threadsafe`: thread
    /// work handing its result back, or a thread of the program's own).
    pub const THREAD: u8 = 4;
}

/// Bits of `flag` on a `ResourcePoll`.
pub struct WaitFlag;
impl WaitFlag {
    /// The resource was ready (no wait).
    pub const READY: u8 = 1;
    /// The task is sending into a full channel.
    pub const SEND: u8 = 2;
    /// The task is receiving from an empty channel.
    pub const RECV: u8 = 4;
}

/// A change of a resource's state, made by the task in poll on the event's thread.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum ResourceOp {
    Locked = 0,
    Unlocked = 1,
    /// A message was sent into a channel.
    Sent = 2,
    /// A message was taken out of a channel.
    Received = 3,
}

impl ResourceOp {
    pub fn from_u8(v: u8) -> Option<ResourceOp> {
        match v {
            0 => Some(ResourceOp::Locked),
            1 => Some(ResourceOp::Unlocked),
            2 => Some(ResourceOp::Sent),
            3 => Some(ResourceOp::Received),
            _ => None,
        }
    }
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    Task,
    Blocking,
    BlockOn,
    Local,
}

impl TaskKind {
    pub fn parse(s: &str) -> TaskKind {
        match s {
            "blocking" => TaskKind::Blocking,
            "block_on" => TaskKind::BlockOn,
            "local" => TaskKind::Local,
            _ => TaskKind::Task,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TaskKind::Task => "task",
            TaskKind::Blocking => "blocking",
            TaskKind::BlockOn => "block_on",
            TaskKind::Local => "local",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    pub file: String,
    pub line: u32,
    pub col: u32,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskInfo {
    pub idx: TaskIdx,
    /// tokio's own task id.
    pub tokio_id: u64,
    pub name: String,
    pub kind: TaskKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spawned_at: Option<Location>,
    /// The task that was being polled where this one was spawned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<TaskIdx>,
    /// Part of asyncscope's measuring (the heartbeat), not of the scenario.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub probe: bool,
}

impl TaskInfo {
    /// A name for display: its own, or "main" for the runtime's root, or "task N".
    pub fn label(&self) -> String {
        if !self.name.is_empty() {
            self.name.clone()
        } else if self.kind == TaskKind::BlockOn {
            "main".to_string()
        } else {
            format!("task {}", self.tokio_id)
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceInfo {
    pub idx: ResourceIdx,
    /// What it is: Sleep, Mutex, Semaphore, Barrier, Sender/Receiver, mpsc, …
    pub concrete_type: String,
    /// tokio's grouping: timer, Sync, channel.
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Location>,
    /// For a sleep: how long it waits, in ms of the runtime clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
    /// For a bounded channel: its capacity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<u64>,
    /// asyncscope's own (the run's time limit), not the scenario's: never "what a task waits on".
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub probe: bool,
}

impl ResourceInfo {
    /// A short name a learner can read: "Sleep 3000 ms", "Mutex (account A)", "channel jobs".
    pub fn describe(&self) -> String {
        if self.kind == "wait"
            && let Some(label) = &self.label
        {
            return label.clone();
        }
        let mut s = self.concrete_type.clone();
        if let Some(label) = &self.label {
            s = format!("{s} {label}");
        } else if let Some(at) = &self.created_at
            && self.duration_ms.is_none()
        {
            // Two unlabelled mutexes are told apart by where they were made.
            let file = at.file.rsplit('/').next().unwrap_or(&at.file);
            s = format!("{s} ({file}:{})", at.line);
        }
        if let Some(ms) = self.duration_ms {
            s = format!("{s} {ms} ms");
        }
        if let Some(c) = self.capacity {
            s = format!("{s} (capacity {c})");
        }
        s
    }

    pub fn is_timer(&self) -> bool {
        self.kind == "timer" || self.concrete_type == "Sleep"
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadInfo {
    pub idx: ThreadIdx,
    pub name: String,
}

/// Which clock the runtime ran on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Clock {
    /// Real time: the runtime clock is the wall clock.
    Real,
    /// tokio's paused clock: it jumps ahead whenever the runtime is idle.
    Paused,
}

impl Clock {
    pub fn as_str(self) -> &'static str {
        match self {
            Clock::Real => "real",
            Clock::Paused => "virtual",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Header {
    pub format: String,
    pub version: u32,
    pub scenario: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub knobs: BTreeMap<String, String>,
    pub clock: Clock,
    /// How many ms of runtime clock one scenario time unit `u` lasts.
    pub unit_ms: f64,
    /// "current_thread" or "multi_thread".
    pub flavor: String,
    #[serde(default)]
    pub workers: usize,
    /// The runtime that ran the program: absent for tokio, "asyncio" for `asyncscope py`.
    /// Optional, so traces without it (and readers that do not know it) stay version 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime: Option<String>,
}

impl Header {
    /// The run's knob settings as `k=v k=v`, in name order.
    pub fn knobs_line(&self) -> String {
        let knobs: Vec<String> =
            self.knobs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        knobs.join(" ")
    }

    pub fn new(scenario: &str, clock: Clock, unit_ms: f64) -> Header {
        Header {
            format: FORMAT_NAME.to_string(),
            version: FORMAT_VERSION,
            scenario: scenario.to_string(),
            title: String::new(),
            knobs: BTreeMap::new(),
            clock,
            unit_ms,
            flavor: "current_thread".to_string(),
            workers: 1,
            runtime: None,
        }
    }
}

/// A whole recorded run.
#[derive(Clone, Debug, PartialEq)]
pub struct Trace {
    pub header: Header,
    pub threads: Vec<ThreadInfo>,
    pub tasks: Vec<TaskInfo>,
    pub resources: Vec<ResourceInfo>,
    pub strings: Vec<String>,
    /// In wall-clock order; events of one thread keep the order they happened in.
    pub events: Vec<Event>,
    /// What the scenario computed (a counter's final value, the order results arrived in, …).
    pub values: BTreeMap<String, serde_json::Value>,
}

impl Trace {
    pub fn empty(header: Header) -> Trace {
        Trace {
            header,
            threads: Vec::new(),
            tasks: Vec::new(),
            resources: Vec::new(),
            strings: Vec::new(),
            events: Vec::new(),
            values: BTreeMap::new(),
        }
    }

    pub fn task_by_name(&self, name: &str) -> Option<&TaskInfo> {
        self.tasks.iter().find(|t| t.name == name)
    }

    /// Bytes the in-memory trace holds, side tables included.
    pub fn memory_bytes(&self) -> usize {
        let strings: usize =
            self.strings.iter().map(|s| s.capacity() + 24).sum();
        let tasks: usize = self
            .tasks
            .iter()
            .map(|t| std::mem::size_of::<TaskInfo>() + t.name.capacity())
            .sum();
        self.events.capacity() * std::mem::size_of::<Event>()
            + strings
            + tasks
            + self.resources.len() * std::mem::size_of::<ResourceInfo>()
    }

    /// Check that every event refers to things the trace defines, so consumers can index freely.
    pub fn validate(&self) -> Result<(), String> {
        for (i, t) in self.tasks.iter().enumerate() {
            if t.idx as usize != i {
                return Err(format!(
                    "task {} is listed at position {i}",
                    t.idx
                ));
            }
        }
        for (i, r) in self.resources.iter().enumerate() {
            if r.idx as usize != i {
                return Err(format!(
                    "resource {} is listed at position {i}",
                    r.idx
                ));
            }
        }
        for (i, ev) in self.events.iter().enumerate() {
            let (what, count) = match ev.kind {
                EventKind::TaskSpawn
                | EventKind::PollStart
                | EventKind::PollEnd
                | EventKind::Wake
                | EventKind::TaskClose
                | EventKind::Outcome => ("task", self.tasks.len()),
                EventKind::ResourceNew
                | EventKind::ResourcePoll
                | EventKind::ResourceState
                | EventKind::ResourceClose => {
                    ("resource", self.resources.len())
                }
                EventKind::Mark => ("string", self.strings.len()),
                EventKind::Heartbeat
                | EventKind::ClockSync
                | EventKind::RunEnd => continue,
            };
            if ev.a as usize >= count {
                return Err(format!(
                    "event {i} ({:?}) refers to {what} {} but only {count} are defined",
                    ev.kind, ev.a
                ));
            }
            if ev.kind != EventKind::ClockSync
                && ev.thread as usize >= self.threads.len().max(1)
            {
                return Err(format!(
                    "event {i} ({:?}) refers to thread {} but only {} are defined",
                    ev.kind,
                    ev.thread,
                    self.threads.len()
                ));
            }
            if ev.kind == EventKind::Outcome
                && Outcome::from_u8(ev.flag).is_none()
            {
                return Err(format!(
                    "event {i} has an unknown outcome {}",
                    ev.flag
                ));
            }
            if ev.kind == EventKind::ResourceState
                && ResourceOp::from_u8(ev.flag).is_none()
            {
                return Err(format!(
                    "event {i} has an unknown resource op {}",
                    ev.flag
                ));
            }
        }
        Ok(())
    }
}
