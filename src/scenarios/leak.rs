//! Structured concurrency: children spawned and forgotten outlive their
//! parent; a JoinSet or a TaskTracker makes someone wait for them.

use super::{Ctx, KnobKind, KnobSpec, Knobs, Scenario, current_thread};
use crate::probe;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep};
use tokio_util::task::TaskTracker;

pub fn scenario() -> Scenario {
    Scenario {
        id: "leak",
        title: "Structured concurrency: who waits for the children?",
        summary: "A parent task starts three children that each need 3u, \
                  and returns after 1u. Forgotten, the children are still \
                  running when the program ends: leaked, then dropped \
                  mid-work. Owned by a JoinSet or counted by a \
                  TaskTracker, they are waited for and all finish.",
        knobs: vec![
            KnobSpec {
                name: "mode",
                kind: KnobKind::Choice(&["forget", "joinset", "tracker"]),
                default: "forget",
                help: "drop the children's handles, let the parent wait \
                       for them in a JoinSet, or track them with a \
                       TaskTracker that main waits on",
            },
            KnobSpec {
                name: "children",
                kind: KnobKind::Int { min: 1, max: 20 },
                default: "3",
                help: "how many children the parent starts",
            },
        ],
        limit_units: 60.0,
        flavor: current_thread,
        run: |ctx, knobs| Box::pin(run(ctx, knobs)),
    }
}

/// How many children finished their work.
type Done = Arc<AtomicUsize>;

/// The knobs, for the parent.
#[derive(Clone, Copy)]
struct Mode {
    how: &'static str,
    children: u64,
}

impl Mode {
    fn of(knobs: &Knobs) -> Mode {
        let how = match knobs.choice("mode") {
            "forget" => "forget",
            "joinset" => "joinset",
            _ => "tracker",
        };
        let children = knobs.int("children") as u64;
        Mode { how, children }
    }
}

// lesson:start leak
async fn child(ctx: Ctx, done: Done) {
    sleep(ctx.u(3.0)).await; // 3u of work
    done.fetch_add(1, Ordering::Relaxed);
}

async fn parent(ctx: Ctx, mode: Mode, tracker: TaskTracker, done: Done) {
    let mut set = JoinSet::new();
    for n in 1..=mode.children {
        let name = format!("child-{n}");
        let work = child(ctx.clone(), done.clone());
        match mode.how {
            // Fire and forget: dropping a JoinHandle detaches the task.
            "forget" => drop(probe::spawn(&name, work)),
            // The set owns its tasks: dropping the set would abort them.
            "joinset" => probe::spawn_in(&mut set, &name, work),
            // The tracker counts its tasks, and can wait for all of them.
            _ => drop(probe::spawn(&name, tracker.track_future(work))),
        }
    }
    sleep(ctx.u(1.0)).await; // the parent's own work
    set.join_all().await; // joinset: wait for every child before returning
}

async fn run(ctx: Ctx, knobs: Knobs) {
    let (start, done) = (Instant::now(), Done::default());
    let tracker = TaskTracker::new();
    let mode = Mode::of(&knobs);
    let work = parent(ctx.clone(), mode, tracker.clone(), done.clone());
    probe::spawn("parent", work).await.unwrap();
    probe::mark("parent returned");
    tracker.close(); // no more tasks will be added, so...
    tracker.wait().await; // ...this waits for every tracked task to finish
    probe::mark("main returns"); // forget: the children still run here
    // lesson:end leak
    let total = start.elapsed().as_secs_f64() / ctx.unit.as_secs_f64();
    probe::set_value("total_units", (total * 1000.0).round() / 1000.0);
    probe::set_value("children_finished", done.load(Ordering::Relaxed));
}
