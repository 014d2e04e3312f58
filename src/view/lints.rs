//! Lints: what went wrong in a run, each kind one sentence a learner can act on. The text
//! export lists a run's lints, the inspector a task's, the grader words its verdicts with them.

use crate::timeline::{
    Deadlock, End, PollSpan, Stamp, TaskLine, TaskState, Timeline,
    WakeSource,
};
use crate::trace::{Location, ResourceIdx, TaskIdx, TaskKind};

/// Whether the run was asyncio's (`asyncscope py`, a Python exercise): sentences then name
/// Python's ways (`await`, `asyncio.to_thread`, an exception), not tokio's.
pub fn is_asyncio(tl: &Timeline) -> bool {
    tl.header.runtime.as_deref() == Some("asyncio")
}

/// Polls longer than this (wall clock) block the runtime: nothing else ran on that thread
/// meanwhile.
pub const LONG_POLL_MS: u64 = 10;

#[derive(Clone, Debug, PartialEq)]
pub enum Lint {
    /// A poll held a runtime thread longer than `limit_ns` (wall clock).
    BlockedRuntime {
        task: TaskIdx,
        /// The task's longest poll.
        poll: PollSpan,
        /// How many of its polls were over the limit.
        polls_over: usize,
        limit_ns: u64,
    },
    /// It blocked the runtime and did all its work in that one poll.
    NeverYielded {
        task: TaskIdx,
    },
    /// It woke itself while being polled, `count` times.
    SelfWakes {
        task: TaskIdx,
        count: usize,
    },
    /// Still alive when the run finished.
    Leaked {
        tasks: Vec<TaskIdx>,
    },
    /// Alive and idle at the end with nothing pending that could wake it.
    NeverWokenAgain {
        task: TaskIdx,
    },
    /// Dropped at an await, holding these resources (a lock guard, …).
    Cancelled {
        task: TaskIdx,
        at: Stamp,
        holding: Vec<ResourceIdx>,
    },
    Panicked {
        task: TaskIdx,
    },
    /// No task can make progress.
    Deadlock(Deadlock),
    /// The run was stopped at its time limit, at `at`.
    TimedOut {
        at: Stamp,
    },
}

impl Lint {
    /// The lint in one sentence. With `wall` false, figures measured on the wall clock (which
    /// vary from run to run) are left out.
    pub fn sentence(&self, tl: &Timeline, wall: bool) -> String {
        let name = |t: &TaskIdx| name(tl, *t);
        let asyncio = is_asyncio(tl);
        match self {
            Lint::BlockedRuntime {
                task,
                poll,
                polls_over,
                limit_ns,
            } => {
                let limit_ms = *limit_ns as f64 / 1e6;
                let how = if wall {
                    ms(poll.wall_ns())
                } else {
                    format!("over {limit_ms} ms")
                };
                let more = if *polls_over > 1 {
                    format!(" ({polls_over} polls over {limit_ms} ms)")
                } else {
                    String::new()
                };
                if asyncio {
                    return format!(
                        "{} blocked the event loop: one step held its thread for {how} at \
                         {:.2}u{more}{}; nothing else could run meanwhile: `time.sleep` or CPU \
                         work inside a coroutine does this; await `asyncio.sleep`, or move the \
                         work to `asyncio.to_thread`",
                        name(task),
                        tl.units(poll.start.rt_ns),
                        spawned_at(tl, *task),
                    );
                }
                format!(
                    "{} blocked the runtime: one poll held its thread for {how} at {:.2}u{more}{}; \
                     nothing else could run on that thread meanwhile: use an async wait, move the \
                     work to spawn_blocking, or yield",
                    name(task),
                    tl.units(poll.start.rt_ns),
                    spawned_at(tl, *task),
                )
            }
            Lint::NeverYielded { task } => format!(
                "{} never yielded: it did all its work in one {}, never reaching an {} that \
                 had to wait",
                name(task),
                if asyncio { "step" } else { "poll" },
                if asyncio { "await" } else { ".await" }
            ),
            Lint::SelfWakes { task, count } => format!(
                "{} woke itself {count} time{}: {}, or a future that asks to be polled \
                 again at once (a busy loop costs CPU while it waits)",
                name(task),
                if *count == 1 { "" } else { "s" },
                if asyncio {
                    "`await asyncio.sleep(0)`"
                } else {
                    "yield_now"
                }
            ),
            Lint::Leaked { tasks } => {
                let (count, them) = match learner_tasks(tl, tasks).len() {
                    1 => ("1 task was".to_string(), "it"),
                    n => (format!("{n} tasks were"), "them"),
                };
                let keep = if asyncio {
                    format!(
                        "keep each task and await {them} (asyncio.gather, or a TaskGroup), or \
                         cancel {them} and await {them}"
                    )
                } else {
                    format!(
                        "keep each JoinHandle (or use a JoinSet or a TaskTracker) and wait for \
                         {them}"
                    )
                };
                format!(
                    "leaked: {count} still alive when the run finished, and nobody waited for \
                     {them}: {}; {keep}",
                    by_spawn_site(tl, tasks)
                )
            }
            Lint::NeverWokenAgain { task } => format!(
                "{} is never woken again: nothing that will wake it is pending (a lost waker, or \
                 a wait on something that never comes)",
                name(task)
            ),
            Lint::Cancelled { task, at, holding } if holding.is_empty() => {
                format!(
                    "{} was cancelled at {:.2}u: {}; the code after that point never ran",
                    name(task),
                    tl.units(at.rt_ns),
                    if asyncio {
                        "asyncio.CancelledError was raised at the await it waited in"
                    } else {
                        "its future was dropped at an .await"
                    }
                )
            }
            Lint::Cancelled { task, holding, .. } => {
                let held: Vec<String> = holding
                    .iter()
                    .filter_map(|r| tl.resource(*r))
                    .map(|r| r.info.describe())
                    .collect();
                format!(
                    "{} was cancelled while holding {}: the guard was dropped with the future, so \
                     the lock was released, but the work it protected was left half done",
                    name(task),
                    held.join(", ")
                )
            }
            Lint::Panicked { task } if asyncio => format!(
                "{} raised an exception: awaiting the task raises it again",
                name(task)
            ),
            Lint::Panicked { task } => format!(
                "{} panicked: tokio caught it; awaiting its JoinHandle gives a JoinError",
                name(task)
            ),
            Lint::Deadlock(d) => tl.describe_deadlock(d),
            Lint::TimedOut { at } => format!(
                "timed out: the run never finished; it was stopped at its time limit, {:.2}u",
                tl.units(at.rt_ns)
            ),
        }
    }
}

/// The run's lints, for the text export: blocked runtimes, leaks, a deadlock, a time-out.
pub fn run_lints(tl: &Timeline) -> Vec<Lint> {
    let mut out: Vec<Lint> = tl
        .scenario_tasks()
        .filter_map(|t| blocked_runtime(t, LONG_POLL_MS * 1_000_000))
        .collect();
    let leaks = tl.leaks();
    if !leaks.is_empty() {
        out.push(Lint::Leaked { tasks: leaks });
    }
    out.extend(tl.deadlock().map(Lint::Deadlock));
    if tl.timed_out {
        out.push(Lint::TimedOut {
            at: tl.finish_stamp(),
        });
    }
    out
}

/// One task's lints, for the inspector.
pub fn task_lints(tl: &Timeline, t: &TaskLine) -> Vec<Lint> {
    let task = t.info.idx;
    let mut out = Vec::new();
    if let Some(blocked) = blocked_runtime(t, LONG_POLL_MS * 1_000_000) {
        out.push(blocked);
        if t.polls.len() == 1 && t.ended.is_some() {
            out.push(Lint::NeverYielded { task });
        }
    }
    let count = t
        .wakes
        .iter()
        .filter(|w| w.source == WakeSource::SelfWake)
        .count();
    if count > 0 {
        out.push(Lint::SelfWakes { task, count });
    }
    if tl.leaks().contains(&task) {
        out.push(Lint::Leaked { tasks: vec![task] });
    }
    if t.ended.is_none()
        && tl.run_end.is_some()
        && let Some(iv) = t.intervals.last()
        && iv.state == TaskState::Idle
        && !iv.timer_pending
        && iv.waiting_on.is_none()
    {
        out.push(Lint::NeverWokenAgain { task });
    }
    if t.end == End::Cancelled {
        let at = t.ended.unwrap_or_default();
        let holding = tl
            .resources
            .iter()
            .filter(|r| r.holder_at(at) == Some(task))
            .map(|r| r.info.idx)
            .collect();
        out.push(Lint::Cancelled { task, at, holding });
    }
    if t.end == End::Panicked {
        out.push(Lint::Panicked { task });
    }
    out
}

/// The task blocked the runtime if one of its polls held a runtime thread over `limit_ns`.
/// Work on the blocking pool holds a thread of its own: that is what the pool is for.
pub fn blocked_runtime(t: &TaskLine, limit_ns: u64) -> Option<Lint> {
    if t.info.kind == TaskKind::Blocking {
        return None;
    }
    let poll = *t.longest_poll().filter(|p| p.wall_ns() > limit_ns)?;
    Some(Lint::BlockedRuntime {
        task: t.info.idx,
        poll,
        polls_over: t
            .polls
            .iter()
            .filter(|p| p.wall_ns() > limit_ns)
            .count(),
        limit_ns,
    })
}

/// "`name`", or "task #N" for an index the trace does not have.
fn name(tl: &Timeline, t: TaskIdx) -> String {
    tl.tasks.get(t as usize).map_or_else(
        || format!("task #{t}"),
        |t| format!("`{}`", t.label()),
    )
}

/// The tasks a learner should hear about: `main` left out (the harness's root says nothing
/// about which of the learner's tasks it was).
fn learner_tasks(tl: &Timeline, tasks: &[TaskIdx]) -> Vec<TaskIdx> {
    tasks
        .iter()
        .copied()
        .filter(|&t| {
            tl.tasks
                .get(t as usize)
                .is_none_or(|t| t.info.kind != TaskKind::BlockOn)
        })
        .collect()
}

/// "`a`, `b`, `c`, 2 more": the first three names, `main` left out.
pub fn names(tl: &Timeline, tasks: &[TaskIdx]) -> String {
    let tasks = learner_tasks(tl, tasks);
    let mut names: Vec<String> =
        tasks.iter().take(3).map(|&t| name(tl, t)).collect();
    if tasks.len() > 3 {
        names.push(format!("{} more", tasks.len() - 3));
    }
    names.join(", ")
}

/// Each task by its name and the line that spawned it, grouped by that line: "`query
/// mirror-a` and `query mirror-c` (spawned at first_answer.rs:12), 3 unnamed tasks (spawned
/// at x.rs:20)". An unnamed task's tokio id means nothing to a learner: its line does.
pub fn by_spawn_site(tl: &Timeline, tasks: &[TaskIdx]) -> String {
    // (where, named tasks' names, unnamed count), in the order first seen.
    let mut sites: Vec<(Option<String>, Vec<String>, usize)> = Vec::new();
    for t in learner_tasks(tl, tasks) {
        let Some(line) = tl.tasks.get(t as usize) else {
            continue;
        };
        let at = line
            .info
            .spawned_at
            .as_ref()
            .map(|l| format!("{}:{}", l.file, l.line));
        let i = match sites.iter().position(|s| s.0 == at) {
            Some(i) => i,
            None => {
                sites.push((at, Vec::new(), 0));
                sites.len() - 1
            }
        };
        if line.info.name.is_empty() && sites[i].0.is_some() {
            sites[i].2 += 1;
        } else {
            sites[i].1.push(format!("`{}`", line.label()));
        }
    }
    let site =
        |(at, named, unnamed): &(Option<String>, Vec<String>, usize)| {
            let mut who: Vec<String> =
                named.iter().take(4).cloned().collect();
            if named.len() > 4 {
                who.push(format!("{} more", named.len() - 4));
            }
            match unnamed {
                0 => {}
                1 => who.push("1 unnamed task".into()),
                n => who.push(format!("{n} unnamed tasks")),
            }
            let who = match who.split_last() {
                Some((last, rest)) if !rest.is_empty() => {
                    format!("{} and {last}", rest.join(", "))
                }
                _ => who.concat(),
            };
            match at {
                Some(at) => format!("{who} (spawned at {at})"),
                None => who,
            }
        };
    let mut out: Vec<String> = sites.iter().take(4).map(site).collect();
    if sites.len() > 4 {
        out.push(format!(
            "tasks spawned at {} more places",
            sites.len() - 4
        ));
    }
    out.join("; ")
}

/// " (spawned at file:line)", for a task the scenario or the learner spawned (`main` was
/// spawned by the harness, which says nothing about their code).
fn spawned_at(tl: &Timeline, t: TaskIdx) -> String {
    tl.tasks
        .get(t as usize)
        .filter(|t| t.info.kind != TaskKind::BlockOn)
        .and_then(|t| t.info.spawned_at.as_ref())
        .map(|l: &Location| format!(" (spawned at {}:{})", l.file, l.line))
        .unwrap_or_default()
}

/// A wall-clock duration in ms, "0.1 ms", "200 ms".
pub fn ms(ns: u64) -> String {
    let ms = ns as f64 / 1e6;
    if ms < 10.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.0} ms")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::{
        Clock, Event, EventKind, Header, Outcome as TaskOutcome, TaskInfo,
        ThreadInfo, Trace,
    };

    /// On the real clock (1 ms steps): `spin` computes 20 ms in its one poll and wakes itself
    /// meanwhile; `leaky` is still waiting when `main` returns.
    fn run() -> Timeline {
        let mut trace =
            Trace::empty(Header::new("lints", Clock::Real, 1000.0));
        trace.threads = vec![ThreadInfo {
            idx: 0,
            name: "main".into(),
        }];
        let task = |idx: u32, name: &str, kind: TaskKind| TaskInfo {
            idx,
            tokio_id: idx as u64 + 1,
            name: name.into(),
            kind,
            spawned_at: None,
            parent: (idx > 0).then_some(0),
            probe: false,
        };
        trace.tasks = vec![
            task(0, "", TaskKind::BlockOn),
            task(1, "spin", TaskKind::Task),
            task(2, "leaky", TaskKind::Task),
        ];
        let ms = 1_000_000;
        let ev =
            |kind, at: u64, a, flag| Event::new(kind, at * ms, 0, a, flag);
        use EventKind::*;
        trace.events = vec![
            ev(TaskSpawn, 1, 0, 0),
            ev(PollStart, 2, 0, 0),
            ev(TaskSpawn, 3, 1, 0),
            ev(TaskSpawn, 4, 2, 0),
            ev(PollEnd, 5, 0, 0),
            ev(PollStart, 6, 1, 0),
            ev(Wake, 7, 1, 0),
            ev(Outcome, 25, 1, TaskOutcome::Completed as u8),
            ev(PollEnd, 26, 1, 0),
            ev(PollStart, 27, 2, 0),
            ev(PollEnd, 28, 2, 0),
            ev(PollStart, 30, 0, 0),
            ev(RunEnd, 31, 0, 0),
            ev(Outcome, 32, 0, TaskOutcome::Completed as u8),
            ev(PollEnd, 33, 0, 0),
        ];
        trace.validate().expect("a consistent trace");
        Timeline::from_trace(&trace)
    }

    #[test]
    fn a_run_lists_its_blocked_runtime_and_its_leak() {
        let tl = run();
        let lints = run_lints(&tl);
        let words: Vec<String> =
            lints.iter().map(|l| l.sentence(&tl, true)).collect();
        assert_eq!(lints.len(), 2, "{words:#?}");
        assert!(
            words[0].starts_with(
                "`spin` blocked the runtime: one poll held its thread for 20 ms at 0.01u"
            ),
            "{words:#?}"
        );
        assert!(
            words[1].starts_with(
                "leaked: 1 task was still alive when the run finished, and nobody waited for \
                 it: `leaky`"
            ),
            "{words:#?}"
        );
    }

    #[test]
    fn a_task_lists_what_it_did_wrong() {
        let tl = run();
        let spin = tl.task("spin").unwrap();
        let lints = task_lints(&tl, spin);
        assert!(matches!(lints[0], Lint::BlockedRuntime { task: 1, .. }));
        assert_eq!(lints[1], Lint::NeverYielded { task: 1 });
        assert_eq!(lints[2], Lint::SelfWakes { task: 1, count: 1 });
        assert_eq!(lints.len(), 3);
        // Without wall-clock figures (snapshots), the limit stands in for the measure.
        let quiet = lints[0].sentence(&tl, false);
        assert!(quiet.contains("for over 10 ms"), "{quiet}");
        assert!(!quiet.contains("20 ms"), "{quiet}");
        let leaky = tl.task("leaky").unwrap();
        assert_eq!(
            task_lints(&tl, leaky),
            // Idle on nothing a timer or a resource would wake: its waker is lost.
            [
                Lint::Leaked { tasks: vec![2] },
                Lint::NeverWokenAgain { task: 2 }
            ]
        );
    }

    #[test]
    fn several_leaks_read_as_one_sentence() {
        let tl = run();
        let both = Lint::Leaked { tasks: vec![1, 2] };
        assert!(
            both.sentence(&tl, true).starts_with(
                "leaked: 2 tasks were still alive when the run finished, and nobody waited \
                 for them: `spin` and `leaky`"
            )
        );
    }
}
