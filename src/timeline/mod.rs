//! The timeline: a per-task model derived from a trace, and the queries the grader, the
//! exporters and the TUI ask of it.
//!
//! Built in one pass over the events. Each thread's "task being polled" is tracked to attribute
//! wakes, resource polls, lock changes and marks; the runtime clock is carried forward from
//! `ClockSync` events (or equals the wall clock when the run used the real clock).

mod queries;

pub use queries::{Deadlock, DeadlockLink};

use crate::trace::{
    Clock, EventKind, Header, OUTCOME_DROPPED, Outcome, ResourceIdx,
    ResourceInfo, ResourceOp, TaskIdx, TaskInfo, TaskKind, ThreadIdx,
    Trace, WaitFlag, WakeFlag,
};
use std::collections::BTreeMap;

/// A moment, on both clocks (ns since the run started).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Stamp {
    /// The runtime's clock: what `tokio::time::Instant` saw (virtual when paused).
    pub rt_ns: u64,
    pub wall_ns: u64,
}

/// What a task was doing during an interval.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TaskState {
    /// Being polled on a worker thread.
    Running,
    /// Woken (or just spawned), waiting for a worker to poll it.
    Scheduled,
    /// Waiting for something to wake it.
    Idle,
    /// A spawn_blocking job running on the blocking pool.
    Blocking,
}

impl TaskState {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskState::Running => "running",
            TaskState::Scheduled => "scheduled",
            TaskState::Idle => "idle",
            TaskState::Blocking => "blocking",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Interval {
    pub start: Stamp,
    pub end: Stamp,
    pub state: TaskState,
    /// For idle intervals: what the task waits on — the resource it last found not ready,
    /// preferring a non-timer one (under a timeout, the channel rather than the deadline).
    pub waiting_on: Option<ResourceIdx>,
    /// For idle intervals: a timer the task polled is pending, so time alone will wake it.
    pub timer_pending: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PollSpan {
    pub start: Stamp,
    pub end: Stamp,
    pub thread: ThreadIdx,
}

impl PollSpan {
    pub fn wall_ns(&self) -> u64 {
        self.end.wall_ns.saturating_sub(self.start.wall_ns)
    }
}

/// Who woke a task.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WakeSource {
    /// The task woke itself while being polled.
    SelfWake,
    /// Another task, while it was being polled.
    Task(TaskIdx),
    /// Nothing was being polled on that thread: the timer, the I/O driver, or a deferred yield.
    Runtime,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WakeAt {
    pub at: Stamp,
    pub source: WakeSource,
    /// Not reported by tokio but inferred: the block_on task was polled again after idling.
    pub inferred: bool,
    /// For a wake from outside any task, what it came from, when the runtime said.
    pub via: Option<WakeVia>,
}

/// Where a wake from outside any task came from (recorded for asyncio runs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WakeVia {
    Timer,
    Thread,
}

impl WakeVia {
    fn from_flag(flag: u8) -> Option<WakeVia> {
        if flag & WakeFlag::TIMER != 0 {
            Some(WakeVia::Timer)
        } else if flag & WakeFlag::THREAD != 0 {
            Some(WakeVia::Thread)
        } else {
            None
        }
    }
}

/// How a task's life ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum End {
    Completed,
    Cancelled,
    Panicked,
    /// tokio released it, but the task was not spawned through asyncscope's tracked spawn, so
    /// how it ended is not known.
    Ended,
    /// Still alive at the end of the trace.
    Running,
}

impl End {
    pub fn as_str(self) -> &'static str {
        match self {
            End::Completed => "completed",
            End::Cancelled => "cancelled",
            End::Panicked => "panicked",
            End::Ended => "ended",
            End::Running => "running",
        }
    }
}

/// Poll durations in power-of-two buckets: bucket i counts polls of [2^i, 2^(i+1)) µs; bucket 0
/// also holds polls under 1 µs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Histogram {
    pub buckets: [u32; 24],
}

impl Histogram {
    pub fn add(&mut self, ns: u64) {
        let us = ns / 1000;
        let bucket = if us <= 1 {
            0
        } else {
            (63 - us.leading_zeros()) as usize
        };
        self.buckets[bucket.min(23)] += 1;
    }

    /// The lower bound of bucket `i`, in µs.
    pub fn bucket_floor_us(i: usize) -> u64 {
        if i == 0 { 0 } else { 1 << i }
    }
}

#[derive(Clone, Debug)]
pub struct TaskLine {
    pub info: TaskInfo,
    pub spawned: Stamp,
    /// When its life ended: the last poll of a completed or panicked task, the moment a
    /// cancelled task was dropped or stopped, or when tokio released it.
    pub ended: Option<Stamp>,
    pub end: End,
    /// Contiguous state intervals from `spawned` to `ended` (or the end of the trace).
    pub intervals: Vec<Interval>,
    pub polls: Vec<PollSpan>,
    pub wakes: Vec<WakeAt>,
    pub marks: Vec<(Stamp, String)>,
    pub histogram: Histogram,
}

impl TaskLine {
    /// A name for display: its own, or "main" for the runtime's root, or "task N".
    pub fn label(&self) -> String {
        self.info.label()
    }

    fn total(&self, state: TaskState, clock: fn(&Stamp) -> u64) -> u64 {
        self.intervals
            .iter()
            .filter(|i| i.state == state)
            .map(|i| clock(&i.end).saturating_sub(clock(&i.start)))
            .sum()
    }

    /// Runtime-clock ns spent being polled (including blocking work).
    pub fn busy_ns(&self) -> u64 {
        self.total(TaskState::Running, |s| s.rt_ns)
            + self.total(TaskState::Blocking, |s| s.rt_ns)
    }

    /// Wall-clock ns spent being polled: what the thread really spent, even on a paused clock.
    pub fn busy_wall_ns(&self) -> u64 {
        self.polls.iter().map(PollSpan::wall_ns).sum()
    }

    pub fn idle_ns(&self) -> u64 {
        self.total(TaskState::Idle, |s| s.rt_ns)
    }

    pub fn scheduled_ns(&self) -> u64 {
        self.total(TaskState::Scheduled, |s| s.rt_ns)
    }

    pub fn longest_poll(&self) -> Option<&PollSpan> {
        self.polls.iter().max_by_key(|p| p.wall_ns())
    }

    /// Is the task alive (spawned, not yet ended) at runtime-clock `rt_ns`?
    pub fn alive_at(&self, rt_ns: u64) -> bool {
        self.spawned.rt_ns <= rt_ns
            && self.ended.is_none_or(|e| e.rt_ns > rt_ns)
    }

    /// The state interval containing runtime-clock `rt_ns`, if the task was alive then.
    pub fn state_at(&self, rt_ns: u64) -> Option<&Interval> {
        let i = self.intervals.partition_point(|iv| iv.end.rt_ns <= rt_ns);
        self.intervals.get(i).filter(|iv| iv.start.rt_ns <= rt_ns)
    }
}

/// A thread that ran polls: a runtime worker or a blocking-pool thread.
#[derive(Clone, Debug)]
pub struct ThreadLine {
    pub idx: ThreadIdx,
    pub name: String,
    /// It ran spawn_blocking work.
    pub blocking_pool: bool,
    pub polls: Vec<(TaskIdx, PollSpan)>,
}

#[derive(Clone, Debug)]
pub struct MarkAt {
    pub at: Stamp,
    pub task: Option<TaskIdx>,
    pub text: String,
}

#[derive(Clone, Copy, Debug)]
pub struct HeartbeatTick {
    pub at: Stamp,
    pub lag_us: u32,
}

#[derive(Clone, Debug)]
pub struct ResourceLine {
    pub info: ResourceInfo,
    pub created: Stamp,
    pub closed: Option<Stamp>,
    /// The task whose poll created it (a labelled wait belongs to the task that waits).
    pub created_by: Option<TaskIdx>,
    /// For a mutex: who held it from when (`None`: released).
    pub holders: Vec<(Stamp, Option<TaskIdx>)>,
    /// For a channel: messages sent into it and received from it, over the whole run.
    pub sent: u32,
    pub received: u32,
}

impl ResourceLine {
    /// For a mutex: the task holding it at `at`.
    pub fn holder_at(&self, at: Stamp) -> Option<TaskIdx> {
        let i = self.holders.partition_point(|(when, _)| *when <= at);
        i.checked_sub(1).and_then(|i| self.holders[i].1)
    }
}

#[derive(Clone, Debug)]
pub struct Timeline {
    pub header: Header,
    pub tasks: Vec<TaskLine>,
    pub threads: Vec<ThreadLine>,
    pub resources: Vec<ResourceLine>,
    pub marks: Vec<MarkAt>,
    pub heartbeats: Vec<HeartbeatTick>,
    /// When the scenario's root future returned or was stopped by the time limit.
    pub run_end: Option<Stamp>,
    pub timed_out: bool,
    /// The last event.
    pub end: Stamp,
    pub values: BTreeMap<String, serde_json::Value>,
}

/// Per-task state while building.
struct Building {
    state: Option<TaskState>,
    since: Stamp,
    waiting_on: Option<ResourceIdx>,
    poll_start: Option<(Stamp, ThreadIdx)>,
    woken_in_poll: bool,
    /// The resources found not ready during the current poll: the last non-timer one, and
    /// the last timer.
    pending_resource: Option<ResourceIdx>,
    pending_timer: Option<ResourceIdx>,
    timer_pending: bool,
    /// The current enter/exit pair is a drop (a dropped-outcome arrived inside it).
    pair_is_drop: bool,
    outcome: Option<(Outcome, Stamp)>,
}

impl Timeline {
    pub fn from_trace(trace: &Trace) -> Timeline {
        let mut tasks: Vec<TaskLine> = trace
            .tasks
            .iter()
            .map(|info| TaskLine {
                info: info.clone(),
                spawned: Stamp::default(),
                ended: None,
                end: End::Running,
                intervals: Vec::new(),
                polls: Vec::new(),
                wakes: Vec::new(),
                marks: Vec::new(),
                histogram: Histogram::default(),
            })
            .collect();
        let mut building: Vec<Building> = (0..tasks.len())
            .map(|_| Building {
                state: None,
                since: Stamp::default(),
                waiting_on: None,
                poll_start: None,
                woken_in_poll: false,
                pending_resource: None,
                pending_timer: None,
                timer_pending: false,
                pair_is_drop: false,
                outcome: None,
            })
            .collect();
        let mut threads: Vec<ThreadLine> = trace
            .threads
            .iter()
            .map(|t| ThreadLine {
                idx: t.idx,
                name: t.name.clone(),
                blocking_pool: false,
                polls: Vec::new(),
            })
            .collect();
        let mut resources: Vec<ResourceLine> = trace
            .resources
            .iter()
            .map(|info| ResourceLine {
                info: info.clone(),
                created: Stamp::default(),
                closed: None,
                created_by: None,
                holders: Vec::new(),
                sent: 0,
                received: 0,
            })
            .collect();
        let mut in_poll: Vec<Vec<TaskIdx>> =
            vec![Vec::new(); trace.threads.len().max(1)];
        // The task whose poll last ended its life, and when: what most likely woke a task
        // whose waker tokio does not report (see PollStart).
        let mut last_finished: Option<(TaskIdx, u64)> = None;
        let mut marks = Vec::new();
        let mut heartbeats = Vec::new();
        let mut run_end = None;
        let mut timed_out = false;
        let mut runtime_ns: u64 = 0;
        let mut end = Stamp::default();
        let paused = trace.header.clock == Clock::Paused;

        // A corrupt trace must not make us panic: skip events that refer to nothing.
        let task_ok = |a: u32| (a as usize) < trace.tasks.len();
        let res_ok = |a: u32| (a as usize) < trace.resources.len();

        for ev in &trace.events {
            if ev.kind == EventKind::ClockSync {
                runtime_ns = runtime_ns.max(ev.clock_ns());
                continue;
            }
            let at = Stamp {
                rt_ns: if paused { runtime_ns } else { ev.wall_ns },
                wall_ns: ev.wall_ns,
            };
            end = end.max(at);
            let th = ev.thread as usize;
            if th >= in_poll.len() {
                in_poll.resize(th + 1, Vec::new());
            }
            let current = in_poll[th].last().copied();
            let a = ev.a;
            match ev.kind {
                EventKind::TaskSpawn if task_ok(a) => {
                    let t = &mut tasks[a as usize];
                    t.spawned = at;
                    let b = &mut building[a as usize];
                    b.state = Some(TaskState::Scheduled);
                    b.since = at;
                }
                EventKind::PollStart if task_ok(a) => {
                    in_poll[th].push(a);
                    let b = &mut building[a as usize];
                    if b.outcome.is_some() {
                        // The enter that drops a finished task's future: not a poll.
                        b.pair_is_drop = true;
                        continue;
                    }
                    b.pair_is_drop = false;
                    // Polled again after going idle with no wake recorded: the block_on
                    // task, whose waker is not a task's and is not instrumented. It was
                    // woken all the same; by a task that finished in this very instant
                    // (its JoinHandle), or else by the runtime (a timer, I/O).
                    if b.state == Some(TaskState::Idle) {
                        let source = match last_finished {
                            Some((by, when))
                                if when == at.rt_ns && by != a =>
                            {
                                WakeSource::Task(by)
                            }
                            _ => WakeSource::Runtime,
                        };
                        tasks[a as usize].wakes.push(WakeAt {
                            at,
                            source,
                            inferred: true,
                            via: None,
                        });
                    }
                    b.poll_start = Some((at, ev.thread));
                    b.woken_in_poll = false;
                    b.pending_resource = None;
                    b.pending_timer = None;
                    let state = if tasks[a as usize].info.kind
                        == TaskKind::Blocking
                    {
                        TaskState::Blocking
                    } else {
                        TaskState::Running
                    };
                    switch(&mut tasks[a as usize], b, at, state, None);
                }
                EventKind::PollEnd if task_ok(a) => {
                    if let Some(pos) =
                        in_poll[th].iter().rposition(|&x| x == a)
                    {
                        in_poll[th].remove(pos);
                    }
                    let b = &mut building[a as usize];
                    let Some((start, thread)) = b.poll_start.take() else {
                        continue;
                    };
                    if b.pair_is_drop {
                        // It was a drop after all (a cancellation arrived inside it).
                        continue;
                    }
                    let poll = PollSpan {
                        start,
                        end: at,
                        thread,
                    };
                    let t = &mut tasks[a as usize];
                    t.polls.push(poll);
                    t.histogram.add(poll.wall_ns());
                    if let Some(line) = threads.get_mut(thread as usize) {
                        line.polls.push((a, poll));
                        if t.info.kind == TaskKind::Blocking {
                            line.blocking_pool = true;
                        }
                    }
                    if let Some((_, when)) = b.outcome {
                        finish(t, b, when.max(at));
                        last_finished = Some((a, at.rt_ns));
                    } else if b.woken_in_poll {
                        switch(t, b, at, TaskState::Scheduled, None);
                    } else {
                        let waiting =
                            b.pending_resource.or(b.pending_timer);
                        b.timer_pending = b.pending_timer.is_some();
                        switch(t, b, at, TaskState::Idle, waiting);
                    }
                }
                EventKind::Wake if task_ok(a) => {
                    let source = match current {
                        Some(c) if c == a => WakeSource::SelfWake,
                        // A task being dropped (aborted, or at shutdown) wakes others as its
                        // guards go: the runtime's doing, not something the task did.
                        Some(c) if building[c as usize].pair_is_drop => {
                            WakeSource::Runtime
                        }
                        Some(c) => WakeSource::Task(c),
                        None => WakeSource::Runtime,
                    };
                    let t = &mut tasks[a as usize];
                    t.wakes.push(WakeAt {
                        at,
                        source,
                        inferred: false,
                        via: (source == WakeSource::Runtime)
                            .then(|| WakeVia::from_flag(ev.flag))
                            .flatten(),
                    });
                    let b = &mut building[a as usize];
                    match b.state {
                        Some(TaskState::Running) => b.woken_in_poll = true,
                        Some(TaskState::Idle) => {
                            switch(t, b, at, TaskState::Scheduled, None)
                        }
                        _ => {}
                    }
                }
                EventKind::Outcome if task_ok(a) => {
                    let Some(outcome) = Outcome::from_u8(ev.flag) else {
                        continue;
                    };
                    let b = &mut building[a as usize];
                    if b.outcome.is_some() {
                        continue; // the first word on how a task ended is the one that counts
                    }
                    b.outcome = Some((outcome, at));
                    if ev.flag & OUTCOME_DROPPED != 0 {
                        // Dropped while idle or scheduled: its life ends here, and the
                        // enter/exit pair around the drop is not a poll.
                        b.pair_is_drop = true;
                        b.poll_start = None;
                        finish(&mut tasks[a as usize], b, at);
                    }
                }
                EventKind::TaskClose if task_ok(a) => {
                    let b = &mut building[a as usize];
                    let t = &mut tasks[a as usize];
                    if t.ended.is_none() {
                        let when =
                            b.outcome.map(|(_, w)| w.max(at)).unwrap_or(at);
                        if b.outcome.is_none() {
                            t.end = End::Ended;
                        }
                        finish(t, b, when);
                    }
                }
                EventKind::ResourceNew if res_ok(a) => {
                    resources[a as usize].created = at;
                    resources[a as usize].created_by = current;
                }
                EventKind::ResourceClose if res_ok(a) => {
                    resources[a as usize].closed = Some(at)
                }
                EventKind::ResourcePoll
                    if res_ok(a) && !trace.resources[a as usize].probe =>
                {
                    if let Some(c) = current {
                        let b = &mut building[c as usize];
                        let slot = if trace.resources[a as usize].is_timer()
                        {
                            &mut b.pending_timer
                        } else {
                            &mut b.pending_resource
                        };
                        if ev.flag & WaitFlag::READY == 0 {
                            *slot = Some(a);
                        } else if *slot == Some(a) {
                            *slot = None;
                        }
                    }
                }
                EventKind::ResourceState if res_ok(a) => {
                    match ResourceOp::from_u8(ev.flag) {
                        Some(ResourceOp::Locked) => resources[a as usize]
                            .holders
                            .push((at, current)),
                        Some(ResourceOp::Unlocked) => {
                            resources[a as usize].holders.push((at, None))
                        }
                        Some(ResourceOp::Sent) => {
                            resources[a as usize].sent += 1
                        }
                        Some(ResourceOp::Received) => {
                            resources[a as usize].received += 1
                        }
                        _ => {}
                    }
                }
                EventKind::Mark => {
                    let text = trace
                        .strings
                        .get(a as usize)
                        .cloned()
                        .unwrap_or_else(|| format!("mark {a}"));
                    if let Some(c) = current {
                        tasks[c as usize].marks.push((at, text.clone()));
                    }
                    marks.push(MarkAt {
                        at,
                        task: current,
                        text,
                    });
                }
                EventKind::Heartbeat => {
                    heartbeats.push(HeartbeatTick { at, lag_us: a })
                }
                EventKind::RunEnd => {
                    run_end = Some(at);
                    timed_out = ev.flag != 0;
                }
                _ => {}
            }
        }

        // Close the last interval of tasks still alive.
        for (t, b) in tasks.iter_mut().zip(building.iter_mut()) {
            if t.ended.is_none() {
                close_interval(t, b, end);
            }
        }
        // Growth leaves up to half of each big Vec spare; a timeline lives as long as its
        // recording, so give the slack back (a third of a million-poll timeline's memory).
        for t in &mut tasks {
            t.intervals.shrink_to_fit();
            t.polls.shrink_to_fit();
            t.wakes.shrink_to_fit();
        }
        for t in &mut threads {
            t.polls.shrink_to_fit();
        }

        Timeline {
            header: trace.header.clone(),
            tasks,
            threads,
            resources,
            marks,
            heartbeats,
            run_end,
            timed_out,
            end,
            values: trace.values.clone(),
        }
    }

    /// When the scenario finished: its root returned (or the end of the trace).
    pub fn finish_stamp(&self) -> Stamp {
        self.run_end.unwrap_or(self.end)
    }

    /// ns of runtime clock per scenario unit.
    pub fn unit_ns(&self) -> f64 {
        self.header.unit_ms * 1e6
    }

    /// A runtime-clock time in scenario units.
    pub fn units(&self, rt_ns: u64) -> f64 {
        rt_ns as f64 / self.unit_ns()
    }

    pub fn task(&self, name: &str) -> Option<&TaskLine> {
        self.tasks.iter().find(|t| t.info.name == name)
    }

    /// Tasks a learner should see: not the heartbeat probe.
    pub fn scenario_tasks(&self) -> impl Iterator<Item = &TaskLine> {
        self.tasks.iter().filter(|t| !t.info.probe)
    }

    pub fn resource(&self, idx: ResourceIdx) -> Option<&ResourceLine> {
        self.resources.get(idx as usize)
    }
}

fn switch(
    t: &mut TaskLine,
    b: &mut Building,
    at: Stamp,
    state: TaskState,
    waiting_on: Option<ResourceIdx>,
) {
    close_interval(t, b, at);
    b.state = Some(state);
    b.since = at;
    b.waiting_on = waiting_on;
}

/// End the task's current state interval at `at` (if it lasted at all).
fn close_interval(t: &mut TaskLine, b: &Building, at: Stamp) {
    if let Some(prev) = b.state
        && at > b.since
    {
        t.intervals.push(Interval {
            start: b.since,
            end: at,
            state: prev,
            waiting_on: b.waiting_on,
            timer_pending: prev == TaskState::Idle && b.timer_pending,
        });
    }
}

fn finish(t: &mut TaskLine, b: &mut Building, at: Stamp) {
    if t.ended.is_some() {
        return;
    }
    close_interval(t, b, at);
    b.state = None;
    t.ended = Some(at);
    t.end = match b.outcome {
        Some((Outcome::Completed, _)) => End::Completed,
        Some((Outcome::Cancelled, _)) => End::Cancelled,
        Some((Outcome::Panicked, _)) => End::Panicked,
        None => End::Ended,
    };
}
