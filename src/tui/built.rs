//! A recorded trace with what playback derives from it: its own module, so that the live
//! recorder (which builds these) and playback (which shows them) do not import each other.

use crate::timeline::Timeline;
use crate::trace::{Clock, EventKind, Trace};

/// A trace with what playback derives from it. Building one walks the whole trace, so for a
/// live run it is built off the UI thread ([`LiveRun`]) and only moved into the recording.
pub struct Built {
    pub trace: Trace,
    /// Runtime-clock ns of each event.
    pub rt: Vec<u64>,
    pub timeline: Timeline,
    /// For a live run on the real clock: how long it had been going when this was built
    /// (the timeline reaches it: idle tasks stay idle until then); otherwise 0.
    pub now: u64,
}

impl Built {
    /// `now`: for a live run, how long it has been going (wall clock, ns).
    pub fn new(mut trace: Trace, now: Option<u64>) -> Built {
        let paused = trace.header.clock == Clock::Paused;
        let mut clock = 0u64;
        let rt = trace
            .events
            .iter()
            .map(|e| {
                if e.kind == EventKind::ClockSync {
                    clock = clock.max(e.clock_ns());
                    clock
                } else if paused {
                    clock
                } else {
                    e.wall_ns
                }
            })
            .collect();
        let last = trace.events.last().map_or(0, |e| e.wall_ns);
        let (timeline, now) = match now.filter(|&n| !paused && n > last) {
            Some(now) => {
                // An event that refers to nothing: the timeline skips it but ends at it.
                trace.events.push(crate::trace::Event::new(
                    EventKind::ResourceClose,
                    now,
                    0,
                    u32::MAX,
                    0,
                ));
                let timeline = Timeline::from_trace(&trace);
                trace.events.pop();
                (timeline, now)
            }
            None => (Timeline::from_trace(&trace), 0),
        };
        Built {
            trace,
            rt,
            timeline,
            now,
        }
    }
}
