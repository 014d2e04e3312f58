//! An event (asyncio.Event) releasing waiters: a watch channel that stays
//! set, vs a bare Notify whose one-off wake-up a late waiter misses.

use super::{Ctx, KnobKind, KnobSpec, Knobs, Scenario, current_thread};
use crate::probe;
use std::sync::Arc;
use tokio::sync::{Notify, watch};
use tokio::time::{Instant, sleep, timeout};

pub fn scenario() -> Scenario {
    Scenario {
        id: "event",
        title: "An event: release every waiter at once",
        summary: "At 2u an event is set. waiter-1 (1u of work) and \
                  waiter-2 (2u) were waiting and are done at 3u and 4u. \
                  A third waiter, late, starts waiting 0.5u after the \
                  set: a watch channel stays set and lets it through at \
                  once; a bare Notify::notify_waiters() is over by then, \
                  so it waits until its own timeout.",
        knobs: vec![
            KnobSpec {
                name: "mode",
                kind: KnobKind::Choice(&["watch", "notify-late"]),
                default: "watch",
                help: "a watch channel that stays set (like \
                       asyncio.Event), or a bare Notify::notify_waiters() \
                       that wakes only those already waiting",
            },
            KnobSpec {
                name: "set_at",
                kind: KnobKind::Float {
                    min: 0.5,
                    max: 10.0,
                },
                default: "2",
                help: "when the event is set, in units",
            },
            KnobSpec {
                name: "late_timeout",
                kind: KnobKind::Float {
                    min: 0.5,
                    max: 10.0,
                },
                default: "2",
                help: "how long the late waiter waits for the event \
                       before giving up, in units",
            },
        ],
        limit_units: 60.0,
        flavor: current_thread,
        run: |ctx, knobs| Box::pin(run(ctx, knobs)),
    }
}

// lesson:start event
/// Two ways to say "it happened" to every waiter.
enum Event {
    /// Like asyncio.Event: the value stays `true` once set.
    Watch(watch::Sender<bool>),
    /// A bare Notify: notify_waiters() wakes the tasks waiting right now
    /// and remembers nothing.
    Notify(Notify),
}

impl Event {
    fn set(&self) {
        match self {
            Event::Watch(flag) => {
                flag.send_replace(true); // and it stays set
            }
            Event::Notify(notify) => notify.notify_waiters(),
        }
    }

    async fn wait(&self) {
        match self {
            // wait_for looks at the current value first, so a task that
            // starts waiting after the set goes straight through.
            Event::Watch(flag) => {
                let _ = flag.subscribe().wait_for(|set| *set).await;
            }
            // Only a wait that began before notify_waiters() is woken.
            // (notify_one() would store a permit, but just for one task.)
            Event::Notify(notify) => notify.notified().await,
        }
    }
}

/// Waits for the event, then works `work` units; returns when it finished.
async fn waiter(ctx: Ctx, event: Arc<Event>, work: f64) -> Instant {
    event.wait().await;
    probe::mark("released");
    sleep(ctx.u(work)).await;
    Instant::now()
}
// lesson:end event

async fn run(ctx: Ctx, knobs: Knobs) {
    let start = Instant::now();
    let set_at = knobs.float("set_at");
    let event = Arc::new(match knobs.choice("mode") {
        "watch" => Event::Watch(watch::channel(false).0),
        _ => Event::Notify(Notify::new()),
    });
    let w1 =
        probe::spawn("waiter-1", waiter(ctx.clone(), event.clone(), 1.0));
    let w2 =
        probe::spawn("waiter-2", waiter(ctx.clone(), event.clone(), 2.0));
    let late = {
        let (ctx, event) = (ctx.clone(), event.clone());
        let patience = ctx.u(knobs.float("late_timeout"));
        probe::spawn("late", async move {
            // It starts waiting after the event was set.
            sleep(ctx.u(set_at + 0.5)).await;
            probe::mark("starts waiting");
            let done = timeout(patience, waiter(ctx, event, 0.5)).await;
            if done.is_err() {
                probe::mark("gave up: timeout");
            }
            (done.is_ok(), Instant::now())
        })
    };
    sleep(ctx.u(set_at)).await;
    probe::mark("set!");
    event.set();

    let units = |at: Instant| {
        let u = (at - start).as_secs_f64() / ctx.unit.as_secs_f64();
        serde_json::json!((u * 1000.0).round() / 1000.0)
    };
    let (w1, w2) = (w1.await.unwrap(), w2.await.unwrap());
    let (released, late_done) = late.await.unwrap();
    let mut done_at = serde_json::Map::new();
    done_at.insert("waiter-1".into(), units(w1));
    done_at.insert("waiter-2".into(), units(w2));
    done_at.insert("late".into(), units(late_done));
    probe::set_value("done_at", serde_json::Value::Object(done_at));
    probe::set_value(
        "late_ended_by",
        if released { "event" } else { "timeout" },
    );
    probe::set_value("total_units", units(Instant::now()));
}
