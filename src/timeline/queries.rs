//! Questions the grader, the exporters and the TUI ask of a timeline.

use super::{
    Interval, PollSpan, Stamp, TaskLine, TaskState, Timeline, WakeSource,
};
use crate::trace::{ResourceIdx, TaskIdx, TaskKind};

/// One step of a deadlock cycle: `task` waits for `resource`, which `held_by` holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeadlockLink {
    pub task: TaskIdx,
    pub waits_on: ResourceIdx,
    pub held_by: Option<TaskIdx>,
}

/// No task can make progress and no timer is pending.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deadlock {
    /// The wait-for cycle, when there is one (two tasks each holding the lock the other wants).
    pub cycle: Vec<DeadlockLink>,
    /// Every stuck task and what it waits on (`None`: nothing tokio or asyncscope can name, such
    /// as a JoinHandle).
    pub stuck: Vec<(TaskIdx, Option<ResourceIdx>)>,
}

impl Timeline {
    /// For an idle spell with nothing named to wait on: the task whose end woke it, in the
    /// same instant (the spell was an await on that task's JoinHandle).
    pub fn joined(&self, t: &TaskLine, iv: &Interval) -> Option<TaskIdx> {
        if iv.state != TaskState::Idle || iv.waiting_on.is_some() {
            return None;
        }
        let end = iv.end.rt_ns;
        let i = t.wakes.partition_point(|w| w.at.rt_ns < end);
        t.wakes[i..]
            .iter()
            .take_while(|w| w.at.rt_ns == end)
            .find_map(|w| match w.source {
                WakeSource::Task(by)
                    if self.tasks.get(by as usize).is_some_and(|b| {
                        b.ended.is_some_and(|e| e.rt_ns == end)
                    }) =>
                {
                    Some(by)
                }
                _ => None,
            })
    }

    /// Runtime-clock ns during which both tasks were alive.
    pub fn overlap_ns(&self, a: TaskIdx, b: TaskIdx) -> u64 {
        let (Some(a), Some(b)) =
            (self.tasks.get(a as usize), self.tasks.get(b as usize))
        else {
            return 0;
        };
        let end = self.end.rt_ns;
        let a_end = a.ended.map_or(end, |e| e.rt_ns);
        let b_end = b.ended.map_or(end, |e| e.rt_ns);
        a_end
            .min(b_end)
            .saturating_sub(a.spawned.rt_ns.max(b.spawned.rt_ns))
    }

    /// The largest number of scenario tasks alive at once (optionally only those whose name
    /// starts with `prefix`), and the first runtime-clock moment it was reached.
    pub fn peak_in_flight(&self, prefix: Option<&str>) -> (usize, u64) {
        // Ordered by both clocks, so tasks that live no virtual time at all (CPU work on a
        // paused clock) still count.
        let mut edges: Vec<(Stamp, i32)> = Vec::new();
        for t in self.counted_tasks(prefix) {
            let end = t.ended.unwrap_or(Stamp {
                rt_ns: u64::MAX,
                wall_ns: u64::MAX,
            });
            if end > t.spawned {
                edges.push((t.spawned, 1));
                edges.push((end, -1));
            }
        }
        // At equal times, ends before starts: a task ending as another starts is not overlap.
        edges.sort_by_key(|&(at, delta)| (at, delta));
        let (mut now, mut peak, mut peak_at) = (0i32, 0i32, 0u64);
        for (at, delta) in edges {
            now += delta;
            if now > peak {
                peak = now;
                peak_at = at.rt_ns;
            }
        }
        (peak.max(0) as usize, peak_at)
    }

    fn counted_tasks<'a>(
        &'a self,
        prefix: Option<&'a str>,
    ) -> impl Iterator<Item = &'a TaskLine> {
        self.scenario_tasks().filter(move |t| {
            t.info.kind != TaskKind::BlockOn
                && prefix.is_none_or(|p| t.info.name.starts_with(p))
        })
    }

    /// The longest single poll (wall clock) of any task, and whose it was.
    pub fn longest_poll(&self) -> Option<(TaskIdx, PollSpan)> {
        self.tasks
            .iter()
            .flat_map(|t| t.polls.iter().map(move |p| (t.info.idx, *p)))
            .max_by_key(|(_, p)| p.wall_ns())
    }

    /// The `p`-th percentile (0–100) of heartbeat lag, in µs; `None` without a heartbeat.
    pub fn heartbeat_lag_percentile(&self, p: f64) -> Option<u32> {
        if self.heartbeats.is_empty() {
            return None;
        }
        let mut lags: Vec<u32> =
            self.heartbeats.iter().map(|h| h.lag_us).collect();
        lags.sort_unstable();
        let rank = ((p.clamp(0.0, 100.0) / 100.0) * (lags.len() - 1) as f64)
            .round() as usize;
        Some(lags[rank])
    }

    pub fn max_heartbeat_lag_us(&self) -> Option<u32> {
        self.heartbeats.iter().map(|h| h.lag_us).max()
    }

    /// Scenario tasks still alive when the scenario finished: nobody waited for them.
    pub fn leaks(&self) -> Vec<TaskIdx> {
        // A run stopped at its time limit had a root still waiting: stuck, not leaked.
        let Some(finish) = self.run_end.filter(|_| !self.timed_out) else {
            return Vec::new();
        };
        self.scenario_tasks()
            .filter(|t| t.info.kind != TaskKind::BlockOn)
            .filter(|t| t.ended.is_none_or(|e| e.wall_ns > finish.wall_ns))
            .map(|t| t.info.idx)
            .collect()
    }

    /// Did the run end with every scenario task stuck, none waiting on a timer? Looked at when
    /// the scenario finished (at its time limit, for a deadlock), ignoring the root task and
    /// probes.
    pub fn deadlock(&self) -> Option<Deadlock> {
        // A root that returned means the run finished; tasks stuck after that are leaks.
        if self.run_end.is_some() && !self.timed_out {
            return None;
        }
        let at = self.finish_stamp();
        let alive: Vec<&TaskLine> = self
            .scenario_tasks()
            .filter(|t| t.info.kind != TaskKind::BlockOn)
            .filter(|t| t.ended.is_none_or(|e| e.wall_ns > at.wall_ns))
            .collect();
        if alive.is_empty() {
            return None;
        }
        let mut stuck = Vec::new();
        for t in &alive {
            let state = t
                .intervals
                .iter()
                .rev()
                .find(|iv| iv.start.wall_ns <= at.wall_ns)?;
            if state.state != TaskState::Idle {
                return None; // running, scheduled or blocking: it can still move
            }
            if state.timer_pending {
                return None; // a timer will wake it
            }
            stuck.push((t.info.idx, state.waiting_on));
        }
        Some(Deadlock {
            cycle: self.wait_cycle(&stuck, at),
            stuck,
        })
    }

    /// Follow task → resource it waits on → task holding it, looking for a loop.
    fn wait_cycle(
        &self,
        stuck: &[(TaskIdx, Option<ResourceIdx>)],
        at: Stamp,
    ) -> Vec<DeadlockLink> {
        let waits = |t: TaskIdx| {
            stuck.iter().find(|(s, _)| *s == t).and_then(|(_, r)| *r)
        };
        let holder =
            |r: ResourceIdx| self.resource(r).and_then(|r| r.holder_at(at));
        for &(start, _) in stuck {
            let mut path: Vec<DeadlockLink> = Vec::new();
            let mut at = start;
            while let Some(r) = waits(at) {
                let held_by = holder(r);
                path.push(DeadlockLink {
                    task: at,
                    waits_on: r,
                    held_by,
                });
                let Some(next) = held_by else { break };
                if let Some(pos) = path.iter().position(|l| l.task == next)
                {
                    return path.split_off(pos);
                }
                at = next;
            }
        }
        Vec::new()
    }

    /// A sentence naming a deadlock's cycle, for a learner.
    pub fn describe_deadlock(&self, d: &Deadlock) -> String {
        let name = |t: TaskIdx| {
            self.tasks.get(t as usize).map_or_else(
                || format!("task #{t}"),
                |t| format!("`{}`", t.label()),
            )
        };
        let res = |r: ResourceIdx| {
            self.resource(r).map_or_else(
                || format!("resource #{r}"),
                |r| r.info.describe(),
            )
        };
        if d.cycle.is_empty() {
            let parts: Vec<String> = d
                .stuck
                .iter()
                .map(|(t, r)| match r {
                    Some(r) => format!("{} waits on {}", name(*t), res(*r)),
                    None => format!(
                        "{} waits on something that never comes",
                        name(*t)
                    ),
                })
                .collect();
            return format!(
                "no task can make progress: {}",
                parts.join("; ")
            );
        }
        let parts: Vec<String> = d
            .cycle
            .iter()
            .map(|l| match l.held_by {
                Some(h) => format!(
                    "{} waits for {} held by {}",
                    name(l.task),
                    res(l.waits_on),
                    name(h)
                ),
                None => format!(
                    "{} waits for {}",
                    name(l.task),
                    res(l.waits_on)
                ),
            })
            .collect();
        format!("deadlock: {}", parts.join(", "))
    }

    /// How many scenario tasks ended each way: for summaries.
    pub fn outcome_counts(
        &self,
    ) -> std::collections::BTreeMap<&'static str, usize> {
        let mut counts = std::collections::BTreeMap::new();
        for t in self
            .scenario_tasks()
            .filter(|t| t.info.kind != TaskKind::BlockOn)
        {
            *counts.entry(t.end.as_str()).or_insert(0) += 1;
        }
        counts
    }
}
