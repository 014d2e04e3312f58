//! A recorded run and where playback is in it.
//!
//! Every run is kept whole. The cursor counts events: the timeline shown is the one built from
//! the first `cursor` events, so stepping back one event really undoes it (a wake, a poll
//! ending). Playing moves a position on the runtime clock at 0.1× to 10× and puts the cursor
//! after every event up to it.
//!
//! Nothing here walks a big trace on the UI thread: live runs arrive built ([`Built`]), a big
//! prefix is built on a thread of its own while the full timeline clipped at the cursor stands
//! in, and what a big recording showed before is freed aside.

use crate::timeline::Timeline;
use crate::trace::{Clock, EventKind, Trace};
pub use crate::tui::built::Built;
use crate::tui::live::{LivePoll, LiveRun, yield_to_ui};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// Frees what a big recording showed on a thread of its own: dropping millions of events and
/// a timeline of as many polls is not the UI thread's business.
fn drop_aside(trace: Arc<Trace>, rt: Vec<u64>, timeline: Timeline) {
    if trace.events.len() >= BIG_DROP {
        // Should no thread be had, the closure (and all it holds) is dropped here instead.
        let _ = std::thread::Builder::new()
            .name("asyncscope-drop".into())
            .spawn(move || {
                yield_to_ui();
                drop((trace, rt, timeline))
            });
    }
}

/// Builds with at least this many events are dropped off the UI thread.
const BIG_DROP: usize = 100_000;

/// The timeline of the first `n` events of `trace`.
fn prefix_timeline(trace: &Trace, n: usize) -> Timeline {
    let mut prefix = Trace::empty(trace.header.clone());
    prefix.threads = trace.threads.clone();
    prefix.tasks = trace.tasks.clone();
    prefix.resources = trace.resources.clone();
    prefix.strings = trace.strings.clone();
    prefix.events = trace.events[..n].to_vec();
    Timeline::from_trace(&prefix)
}

/// Builds prefix timelines of a big trace on a thread of its own, the newest request
/// winning: holding a key down asks for many, and only the last one matters.
struct PrefixWorker {
    shared: Arc<PrefixShared>,
}

#[derive(Default)]
struct PrefixShared {
    state: Mutex<PrefixState>,
    wake: Condvar,
}

#[derive(Default)]
struct PrefixState {
    /// (ticket, trace, events) of the prefix wanted.
    want: Option<(u64, Arc<Trace>, usize)>,
    done: Option<(u64, Timeline)>,
    stop: bool,
}

impl PrefixWorker {
    fn start() -> Option<PrefixWorker> {
        let shared = Arc::new(PrefixShared::default());
        let s = shared.clone();
        std::thread::Builder::new()
            .name("asyncscope-prefix".into())
            .spawn(move || {
                yield_to_ui();
                loop {
                    let (ticket, trace, n) = {
                        let mut st = s.state.lock().unwrap();
                        loop {
                            if st.stop {
                                return;
                            }
                            if let Some(want) = st.want.take() {
                                break want;
                            }
                            st = s.wake.wait(st).unwrap();
                        }
                    };
                    let timeline = prefix_timeline(&trace, n);
                    drop(trace);
                    let mut st = s.state.lock().unwrap();
                    // Asked for another meanwhile: this one is moot (and dropped unlocked).
                    let moot = if st.want.is_some() {
                        Some(timeline)
                    } else {
                        st.done = Some((ticket, timeline));
                        None
                    };
                    drop(st);
                    drop(moot);
                }
            })
            .ok()?;
        Some(PrefixWorker { shared })
    }

    fn request(&self, ticket: u64, trace: Arc<Trace>, n: usize) {
        let mut st = self.shared.state.lock().unwrap();
        st.want = Some((ticket, trace, n));
        st.done = None;
        self.shared.wake.notify_one();
    }

    fn take(&self) -> Option<(u64, Timeline)> {
        self.shared.state.lock().unwrap().done.take()
    }
}

impl Drop for PrefixWorker {
    fn drop(&mut self) {
        self.shared.state.lock().unwrap().stop = true;
        self.shared.wake.notify_one();
    }
}

pub const SPEEDS: [f64; 9] =
    [0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 7.5, 10.0];
const NORMAL_SPEED: usize = 3;

/// Above this many events the prefix timeline is not rebuilt per step: the full one is clipped
/// at the cursor's time instead.
const PREFIX_LIMIT: usize = 300_000;

/// A prefix timeline costs about its events plus this many per task and resource (their
/// tables are copied and each gets a line).
const PREFIX_TABLE_WEIGHT: usize = 20;

/// Prefixes weighing up to this are built at once on the UI thread (a few ms at most);
/// heavier ones on the recording's prefix thread, while the full timeline clipped at the
/// cursor stands in.
const SYNC_PREFIX: usize = 30_000;

pub struct Recording {
    /// "run 2 · together", "custom", a file name.
    pub label: String,
    pub scenario: String,
    /// The knob settings it ran with (as given, for re-running).
    pub settings: Vec<(String, String)>,
    pub trace: Arc<Trace>,
    /// Runtime-clock ns of each event.
    rt: Vec<u64>,
    pub full: Timeline,
    view: Option<Timeline>,
    /// Where prefixes of a big trace are built, and the ticket of the one awaited.
    prefix: Option<PrefixWorker>,
    pending: Option<u64>,
    tickets: u64,
    pub cursor: usize,
    pub playing: bool,
    /// Playing and keeping up with a live run.
    pub follow: bool,
    pub speed: usize,
    /// Playback position, runtime-clock ns.
    pub pos_ns: f64,
    pub live: Option<LiveRun>,
    pub error: Option<String>,
    /// Bumped whenever what is shown changes (caches key on it).
    pub generation: u64,
    /// A live run's age, when it is past its last event (wall-clock ns).
    live_now: u64,
    /// Recorded on the paused clock and played from its start at real pace (1u = 1 s at
    /// 1×), rather than shown as it is recorded: it looks live and its numbers are exact.
    pub paced: bool,
}

impl Recording {
    /// A finished run, shown whole and paused.
    pub fn from_trace(label: &str, trace: Trace) -> Recording {
        let mut r = Recording::empty(label, &trace.header.scenario.clone());
        r.settings = trace
            .header
            .knobs
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        r.set_trace(trace);
        r.cursor = r.trace.events.len();
        r.pos_ns = r.end_ns() as f64;
        r.refresh_view();
        r
    }

    /// A run starting now. On the real clock it is shown as it happens; `paced` (a run on
    /// the paused clock) plays from its start at real pace, as far as it is recorded.
    pub fn live(
        label: &str,
        scenario: &str,
        settings: Vec<(String, String)>,
        live: LiveRun,
        paced: bool,
    ) -> Recording {
        let mut r = Recording::empty(label, scenario);
        r.settings = settings;
        r.live = Some(live);
        r.playing = true;
        r.follow = !paced;
        r.paced = paced;
        r
    }

    fn empty(label: &str, scenario: &str) -> Recording {
        let trace = Trace::empty(crate::trace::Header::new(
            scenario,
            Clock::Real,
            1000.0,
        ));
        let full = Timeline::from_trace(&trace);
        Recording {
            label: label.to_string(),
            scenario: scenario.to_string(),
            settings: Vec::new(),
            trace: Arc::new(trace),
            rt: Vec::new(),
            full,
            view: None,
            prefix: None,
            pending: None,
            tickets: 0,
            cursor: 0,
            playing: false,
            follow: false,
            speed: NORMAL_SPEED,
            pos_ns: 0.0,
            live: None,
            error: None,
            generation: 0,
            live_now: 0,
            paced: false,
        }
    }

    fn set_trace(&mut self, trace: Trace) {
        self.set_built(Built::new(trace, None));
    }

    /// Show `built`: only moves, whatever its size.
    fn set_built(&mut self, built: Built) {
        let trace =
            std::mem::replace(&mut self.trace, Arc::new(built.trace));
        let rt = std::mem::replace(&mut self.rt, built.rt);
        let timeline = std::mem::replace(&mut self.full, built.timeline);
        self.live_now = built.now;
        self.generation += 1;
        drop_aside(trace, rt, timeline);
    }

    pub fn is_live(&self) -> bool {
        self.live.is_some()
    }

    /// The whole run has been recorded and shown (or it failed): what it answers can be
    /// told now without giving away what the learner has not seen yet.
    pub fn played_to_end(&self) -> bool {
        !self.is_live()
            && (self.error.is_some() || self.cursor >= self.rt.len())
    }

    /// Take in what a live run recorded since the last look. True if anything changed.
    pub fn refresh_live(&mut self) -> bool {
        let Some(live) = self.live.as_mut() else {
            return false;
        };
        match live.poll() {
            LivePoll::Nothing => false,
            LivePoll::Snapshot(built) => {
                // Paused mid-run, the events up to the cursor rarely change (another
                // thread's late batch may land among them): then what is shown stands.
                let n = self.cursor;
                let same_prefix = !self.follow
                    && n < self.trace.events.len()
                    && n < built.trace.events.len()
                    && self.trace.events[..n] == built.trace.events[..n];
                self.set_built(built);
                if self.follow {
                    self.jump_to_end_quietly();
                } else if !same_prefix {
                    self.refresh_view();
                }
                true
            }
            LivePoll::Done(result) => {
                self.live = None;
                match result {
                    Ok(built) => {
                        self.set_built(built);
                        if self.follow {
                            self.jump_to_end_quietly();
                            self.playing = false;
                            self.follow = false;
                        } else {
                            self.cursor = self.cursor.min(self.rt.len());
                            self.refresh_view();
                        }
                    }
                    Err(e) => {
                        self.error = Some(e);
                        self.playing = false;
                        self.follow = false;
                    }
                }
                true
            }
        }
    }

    fn jump_to_end_quietly(&mut self) {
        self.cursor = self.rt.len();
        self.pos_ns = self.end_ns() as f64;
        self.refresh_view();
    }

    /// Wait for a live run to finish (tests, and quitting).
    pub fn wait(&mut self) {
        if let Some(live) = self.live.take() {
            let follow = self.follow;
            match live.wait() {
                Ok(built) => {
                    self.set_built(built);
                    if follow {
                        self.jump_to_end_quietly();
                    }
                }
                Err(e) => self.error = Some(e),
            }
            self.playing = false;
            self.follow = false;
        }
    }

    /// The timeline as of the cursor.
    pub fn timeline(&self) -> &Timeline {
        self.view.as_ref().unwrap_or(&self.full)
    }

    pub fn events(&self) -> usize {
        self.rt.len()
    }

    /// Runtime-clock ns of the last event (or the run's end).
    pub fn end_ns(&self) -> u64 {
        self.full
            .end
            .rt_ns
            .max(self.full.finish_stamp().rt_ns)
            .max(self.live_now)
    }

    /// Runtime-clock ns of the cursor: the last shown event.
    pub fn cursor_ns(&self) -> u64 {
        if self.cursor >= self.rt.len() {
            return self.end_ns();
        }
        match self.cursor {
            0 => 0,
            n => self.rt[n - 1],
        }
    }

    /// Runtime-clock ns of the last shown event itself (the event line's time; a live run's
    /// clock may have moved on past it).
    pub fn event_ns(&self) -> u64 {
        match self.cursor.min(self.rt.len()) {
            0 => 0,
            n => self.rt[n - 1],
        }
    }

    /// The runtime clock the view clips at.
    pub fn clip_ns(&self) -> u64 {
        if self.cursor >= self.rt.len() {
            self.end_ns()
        } else {
            self.cursor_ns()
        }
    }

    fn refresh_view(&mut self) {
        self.generation += 1;
        self.pending = None;
        self.view = None;
        if self.cursor >= self.rt.len() || self.rt.len() > PREFIX_LIMIT {
            return;
        }
        let tables = self.trace.tasks.len() + self.trace.resources.len();
        let weight = self.cursor + PREFIX_TABLE_WEIGHT * tables;
        if weight <= SYNC_PREFIX {
            self.view = Some(prefix_timeline(&self.trace, self.cursor));
            return;
        }
        // Playing moves the cursor every frame: the clipped full timeline will do.
        if self.playing {
            return;
        }
        if self.prefix.is_none() {
            self.prefix = PrefixWorker::start();
        }
        match &self.prefix {
            Some(worker) => {
                self.tickets += 1;
                worker.request(
                    self.tickets,
                    self.trace.clone(),
                    self.cursor,
                );
                self.pending = Some(self.tickets);
            }
            None => {
                self.view = Some(prefix_timeline(&self.trace, self.cursor))
            }
        }
    }

    /// Take in a prefix timeline built aside, if it is the one awaited. True if the view
    /// changed.
    pub fn poll_prefix(&mut self) -> bool {
        let (Some(want), Some(worker)) = (self.pending, &self.prefix)
        else {
            return false;
        };
        match worker.take() {
            Some((ticket, timeline)) if ticket == want => {
                self.view = Some(timeline);
                self.pending = None;
                self.generation += 1;
                true
            }
            _ => false,
        }
    }

    fn set_cursor(&mut self, n: usize) {
        let n = n.min(self.rt.len());
        if n != self.cursor {
            self.cursor = n;
            self.refresh_view();
        }
    }

    fn visible(&self, i: usize) -> bool {
        self.trace.events[i].kind != EventKind::ClockSync
    }

    /// One event forward (`+1`) or back (`-1`); pauses.
    pub fn step(&mut self, dir: i32) {
        self.playing = false;
        self.follow = false;
        let mut n = self.cursor;
        if dir > 0 {
            while n < self.rt.len() {
                n += 1;
                if self.visible(n - 1) {
                    break;
                }
            }
        } else {
            while n > 0 {
                n -= 1;
                if n == 0 || self.visible(n - 1) {
                    break;
                }
            }
        }
        self.set_cursor(n);
        self.pos_ns = self.cursor_ns() as f64;
    }

    /// To the next mark (`dir > 0`) or the previous one; pauses. False if there is none that
    /// way (the cursor stays).
    pub fn step_to_mark(&mut self, dir: i32) -> bool {
        let is_mark =
            |i: usize| self.trace.events[i].kind == EventKind::Mark;
        // The cursor shows events before it: the mark shown is event `cursor - 1`.
        let found = if dir > 0 {
            (self.cursor..self.rt.len()).find(|&i| is_mark(i))
        } else {
            (0..self.cursor.saturating_sub(1))
                .rev()
                .find(|&i| is_mark(i))
        };
        let Some(i) = found else {
            return false;
        };
        self.playing = false;
        self.follow = false;
        self.set_cursor(i + 1);
        self.pos_ns = self.cursor_ns() as f64;
        true
    }

    /// Jump to a runtime-clock moment: every event up to it is shown.
    pub fn seek_ns(&mut self, ns: f64) {
        let ns = ns.clamp(0.0, self.end_ns() as f64);
        self.pos_ns = ns;
        let n = self.rt.partition_point(|&t| (t as f64) <= ns);
        self.set_cursor(n);
    }

    /// Move by a fraction of the run's length (scrubbing).
    pub fn scrub(&mut self, fraction: f64) {
        self.follow = false;
        let step = (self.end_ns().max(1) as f64 * fraction).abs().max(1.0);
        let pos = self.cursor_ns() as f64;
        self.seek_ns(if fraction >= 0.0 {
            pos + step
        } else {
            pos - step
        });
    }

    pub fn to_start(&mut self) {
        self.follow = false;
        self.playing = false;
        self.pos_ns = 0.0;
        self.set_cursor(0);
    }

    pub fn to_end(&mut self) {
        self.playing = false;
        self.follow = self.is_live();
        self.jump_to_end_quietly();
    }

    pub fn toggle_play(&mut self) {
        if self.playing {
            self.playing = false;
            self.follow = false;
            // Playing showed the full timeline clipped; paused, the exact prefix is due.
            if self.view.is_none() && self.cursor < self.rt.len() {
                self.refresh_view();
            }
        } else {
            if self.cursor >= self.rt.len() && !self.is_live() {
                // Played to the end: play again from the start.
                self.pos_ns = 0.0;
                self.set_cursor(0);
            }
            self.playing = true;
        }
    }

    /// Play again from the start.
    pub fn replay(&mut self) {
        self.follow = false;
        self.pos_ns = 0.0;
        self.set_cursor(0);
        self.playing = true;
    }

    pub fn faster(&mut self) {
        self.speed = (self.speed + 1).min(SPEEDS.len() - 1);
    }

    pub fn slower(&mut self) {
        self.speed = self.speed.saturating_sub(1);
    }

    pub fn speed(&self) -> f64 {
        SPEEDS[self.speed]
    }

    /// Advance playback by `dt` of real time. True if the view changed.
    pub fn advance(&mut self, dt: Duration) -> bool {
        if !self.playing || self.follow {
            return false;
        }
        let before = self.cursor;
        self.pos_ns += dt.as_nanos() as f64 * self.speed();
        let n = self.rt.partition_point(|&t| (t as f64) <= self.pos_ns);
        self.set_cursor(n);
        if self.cursor >= self.rt.len() {
            // A paced run caught up with its recording waits for more; a real-clock one
            // follows what is recorded from here on.
            if self.is_live() {
                self.follow = !self.paced;
            } else {
                self.playing = false;
            }
        }
        before != self.cursor || self.playing
    }

    /// Does the display need ticks (a live run, or playing)?
    pub fn active(&self) -> bool {
        self.is_live() || self.playing || self.pending.is_some()
    }

    /// The last shown event, in words: "poll of coffee ends".
    pub fn describe_cursor(&self) -> String {
        if self.cursor == 0 {
            return "before the first event".into();
        }
        let Some(ev) = self.trace.events.get(self.cursor - 1) else {
            return String::new();
        };
        let task = |a: u32| {
            self.full
                .tasks
                .get(a as usize)
                .map_or_else(|| format!("task {a}"), |t| t.label())
        };
        let res = |a: u32| {
            self.full.resources.get(a as usize).map_or_else(
                || format!("resource {a}"),
                |r| r.info.describe(),
            )
        };
        match ev.kind {
            EventKind::TaskSpawn => format!("{} spawned", task(ev.a)),
            EventKind::PollStart => {
                format!("poll of {} starts", task(ev.a))
            }
            EventKind::PollEnd => format!("poll of {} ends", task(ev.a)),
            EventKind::Wake => format!("{} woken", task(ev.a)),
            EventKind::TaskClose => format!("{} released", task(ev.a)),
            EventKind::Outcome => format!("{} ends", task(ev.a)),
            EventKind::ResourceNew => format!("{} created", res(ev.a)),
            EventKind::ResourcePoll => format!("{} polled", res(ev.a)),
            EventKind::ResourceState => format!("{} changes", res(ev.a)),
            EventKind::ResourceClose => format!("{} closed", res(ev.a)),
            EventKind::Mark => format!(
                "mark: {}",
                self.trace
                    .strings
                    .get(ev.a as usize)
                    .map_or("?", String::as_str)
            ),
            EventKind::Heartbeat => format!("heartbeat, {} µs late", ev.a),
            EventKind::ClockSync => "the clock moves".into(),
            EventKind::RunEnd => "the scenario returns".into(),
        }
    }
}
