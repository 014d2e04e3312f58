//! The recorder and timeline on purpose-built runs: outcomes, wake attribution, deadlock and
//! leak detection, multi-thread recording.

use asyncscope::probe;
use asyncscope::scenarios::{
    Ctx, Flavor, Knobs, RunOptions, Scenario, ScenarioFuture, run_scenario,
};
use asyncscope::timeline::{End, Timeline, WakeSource};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

fn record(
    run: fn(Ctx, Knobs) -> ScenarioFuture,
    limit_units: f64,
    flavor: Flavor,
) -> Timeline {
    let scenario = Scenario {
        id: "test",
        title: "test",
        summary: "",
        knobs: vec![],
        limit_units,
        flavor: match flavor {
            Flavor::CurrentThread => |_| Flavor::CurrentThread,
            Flavor::MultiThread { .. } => {
                |_| Flavor::MultiThread { workers: 2 }
            }
        },
        run,
    };
    let options = RunOptions {
        unit_ms: if flavor == Flavor::CurrentThread {
            1000.0
        } else {
            20.0
        },
        ..RunOptions::virtual_time()
    };
    let trace = run_scenario(&scenario, &options).expect("runs");
    trace.validate().expect("consistent trace");
    Timeline::from_trace(&trace)
}

fn end_of(tl: &Timeline, name: &str) -> End {
    tl.task(name)
        .unwrap_or_else(|| panic!("no task {name}"))
        .end
}

#[test]
fn outcomes_completed_cancelled_panicked() {
    let tl = record(
        |ctx, _| {
            Box::pin(async move {
                let ok = probe::spawn("finishes", async {});
                let boom = probe::spawn("panics", async {
                    tokio::task::yield_now().await;
                    panic!("on purpose");
                });
                let aborted = probe::spawn(
                    "aborted",
                    tokio::time::sleep(ctx.u(10.0)),
                );
                let polite = probe::spawn("stops-when-asked", async {
                    probe::cancelled()
                });
                let mut set = tokio::task::JoinSet::new();
                probe::spawn_in(
                    &mut set,
                    "dropped-with-its-set",
                    tokio::time::sleep(ctx.u(10.0)),
                );
                tokio::time::sleep(ctx.u(1.0)).await;
                aborted.abort();
                drop(set);
                let _ = ok.await;
                assert!(boom.await.unwrap_err().is_panic());
                assert!(aborted.await.unwrap_err().is_cancelled());
                let _ = polite.await;
                tokio::time::sleep(ctx.u(0.5)).await;
            })
        },
        10.0,
        Flavor::CurrentThread,
    );
    assert_eq!(end_of(&tl, "finishes"), End::Completed);
    assert_eq!(end_of(&tl, "panics"), End::Panicked);
    assert_eq!(end_of(&tl, "aborted"), End::Cancelled);
    assert_eq!(end_of(&tl, "stops-when-asked"), End::Cancelled);
    assert_eq!(end_of(&tl, "dropped-with-its-set"), End::Cancelled);
    let aborted = tl.task("aborted").unwrap();
    assert!((tl.units(aborted.ended.unwrap().rt_ns) - 1.0).abs() < 0.01);
    assert!(tl.leaks().is_empty());
    assert_eq!(
        tl.tasks[0].end,
        End::Completed,
        "the root task is tracked too"
    );
}

/// Wakes its own task during its first poll: a self-wake.
struct WakeMyselfOnce(bool);
impl Future for WakeMyselfOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

#[test]
fn wakes_are_attributed_to_self_another_task_or_the_runtime() {
    let tl = record(
        |ctx, _| {
            Box::pin(async move {
                let (tx, rx) = tokio::sync::oneshot::channel::<u32>();
                let waiter =
                    probe::spawn(
                        "waiter",
                        async move { rx.await.unwrap() },
                    );
                let sleeper =
                    probe::spawn("sleeper", tokio::time::sleep(ctx.u(1.0)));
                let selfish =
                    probe::spawn("self-waker", WakeMyselfOnce(false));
                let notifier = probe::spawn("notifier", async move {
                    tokio::time::sleep(ctx.u(0.5)).await;
                    tx.send(7).unwrap();
                });
                let _ = tokio::join!(waiter, sleeper, selfish, notifier);
            })
        },
        10.0,
        Flavor::CurrentThread,
    );
    let notifier = tl.task("notifier").unwrap().info.idx;
    let sources = |name: &str| -> Vec<WakeSource> {
        tl.task(name)
            .unwrap()
            .wakes
            .iter()
            .map(|w| w.source)
            .collect()
    };
    assert!(
        sources("waiter").contains(&WakeSource::Task(notifier)),
        "{:?}",
        sources("waiter")
    );
    assert_eq!(
        sources("sleeper"),
        vec![WakeSource::Runtime],
        "the timer woke it"
    );
    assert!(sources("self-waker").contains(&WakeSource::SelfWake));
    // The waiter was idle on the oneshot until the notifier sent at 0.5u.
    let waiter = tl.task("waiter").unwrap();
    assert!((tl.units(waiter.ended.unwrap().rt_ns) - 0.5).abs() < 0.01);
}

#[test]
fn two_locks_in_opposite_order_are_a_named_deadlock() {
    let tl = record(
        |ctx, _| {
            Box::pin(async move {
                let a = std::sync::Arc::new(tokio::sync::Mutex::new(0));
                let b = std::sync::Arc::new(tokio::sync::Mutex::new(0));
                let (a1, b1, a2, b2) = (a.clone(), b.clone(), a, b);
                let pause = ctx.u(0.1);
                let one = probe::spawn("first", async move {
                    let _x = a1.lock().await;
                    tokio::time::sleep(pause).await;
                    let _y = b1.lock().await;
                });
                let two = probe::spawn("second", async move {
                    let _y = b2.lock().await;
                    tokio::time::sleep(pause).await;
                    let _x = a2.lock().await;
                });
                let _ = tokio::join!(one, two);
            })
        },
        3.0,
        Flavor::CurrentThread,
    );
    assert!(tl.timed_out, "the run can only end at its time limit");
    let deadlock = tl.deadlock().expect("a deadlock is found");
    assert_eq!(deadlock.cycle.len(), 2, "{deadlock:?}");
    let first = tl.task("first").unwrap().info.idx;
    let second = tl.task("second").unwrap().info.idx;
    for link in &deadlock.cycle {
        let other = if link.task == first { second } else { first };
        assert_eq!(link.held_by, Some(other));
        assert_eq!(
            tl.resource(link.waits_on).unwrap().info.concrete_type,
            "Mutex"
        );
    }
    assert_ne!(deadlock.cycle[0].waits_on, deadlock.cycle[1].waits_on);
    let message = tl.describe_deadlock(&deadlock);
    assert!(
        message.contains("`first`") && message.contains("`second`"),
        "{message}"
    );
    assert!(message.contains("Mutex"), "{message}");
}

#[test]
fn waiting_for_a_message_that_never_comes_is_stuck_without_a_cycle() {
    let tl = record(
        |_, _| {
            Box::pin(async move {
                let (tx, mut rx) = probe::channel::<u32>("jobs", 2);
                let consumer =
                    probe::spawn(
                        "consumer",
                        async move { rx.recv().await },
                    );
                let _keep_sender_alive = tx;
                let _ = consumer.await;
            })
        },
        2.0,
        Flavor::CurrentThread,
    );
    let deadlock = tl.deadlock().expect("stuck");
    assert!(deadlock.cycle.is_empty());
    let consumer = tl.task("consumer").unwrap().info.idx;
    let (task, resource) = deadlock.stuck[0];
    assert_eq!(task, consumer);
    assert_eq!(
        tl.resource(resource.unwrap()).unwrap().info.describe(),
        "channel jobs (capacity 2)"
    );
}

#[test]
fn a_run_that_finishes_is_not_a_deadlock_even_with_timers_pending() {
    let tl = record(
        |ctx, _| {
            Box::pin(async move {
                let t =
                    probe::spawn("sleeper", tokio::time::sleep(ctx.u(1.0)));
                t.await.unwrap();
            })
        },
        5.0,
        Flavor::CurrentThread,
    );
    assert!(!tl.timed_out);
    assert!(tl.deadlock().is_none());
}

#[test]
fn tasks_alive_when_the_scenario_returns_are_leaks() {
    let tl = record(
        |ctx, _| {
            Box::pin(async move {
                probe::spawn(
                    "fire-and-forget",
                    tokio::time::sleep(ctx.u(10.0)),
                );
                let awaited =
                    probe::spawn("awaited", tokio::time::sleep(ctx.u(0.5)));
                awaited.await.unwrap();
                tokio::time::sleep(ctx.u(1.0)).await;
            })
        },
        20.0,
        Flavor::CurrentThread,
    );
    let leaked: Vec<String> = tl
        .leaks()
        .iter()
        .map(|&t| tl.tasks[t as usize].label())
        .collect();
    assert_eq!(leaked, vec!["fire-and-forget".to_string()]);
    // The runtime's shutdown dropped it after the run ended.
    assert_eq!(end_of(&tl, "fire-and-forget"), End::Cancelled);
    assert_eq!(end_of(&tl, "awaited"), End::Completed);
}

#[test]
fn channel_waits_show_a_producer_parked_on_a_full_queue() {
    let tl = record(
        |ctx, _| {
            Box::pin(async move {
                let (tx, mut rx) = probe::channel::<u32>("queue", 1);
                let producer = probe::spawn("producer", async move {
                    for i in 0..3 {
                        tx.send(i).await.unwrap();
                    }
                });
                let consumer = probe::spawn("consumer", async move {
                    while rx.recv().await.is_some() {
                        tokio::time::sleep(ctx.u(1.0)).await;
                    }
                });
                let _ = tokio::join!(producer, consumer);
            })
        },
        10.0,
        Flavor::CurrentThread,
    );
    let producer = tl.task("producer").unwrap();
    let parked = producer
        .intervals
        .iter()
        .filter(|i| {
            i.waiting_on.is_some_and(|r| {
                tl.resource(r).unwrap().info.concrete_type == "channel"
            })
        })
        .count();
    assert!(
        parked >= 1,
        "the producer waited on the full queue: {:?}",
        producer.intervals
    );
}

#[test]
fn multi_thread_runs_record_every_worker() {
    let tl = record(
        |_, _| {
            Box::pin(async move {
                let handles: Vec<_> = (0..8)
                    .map(|i| {
                        probe::spawn(&format!("spinner-{i}"), async move {
                            for _ in 0..50 {
                                std::thread::sleep(Duration::from_micros(
                                    200,
                                ));
                                tokio::task::yield_now().await;
                            }
                        })
                    })
                    .collect();
                for h in handles {
                    h.await.unwrap();
                }
            })
        },
        500.0,
        Flavor::MultiThread { workers: 2 },
    );
    assert_eq!(tl.header.flavor, "multi_thread");
    for i in 0..8 {
        let t = tl.task(&format!("spinner-{i}")).unwrap();
        assert_eq!(t.end, End::Completed);
        assert!(
            t.polls.len() >= 51,
            "every poll recorded: {}",
            t.polls.len()
        );
    }
    let workers_with_polls =
        tl.threads.iter().filter(|t| !t.polls.is_empty()).count();
    assert!(workers_with_polls >= 2, "polls ran on more than one worker");
    assert_eq!(tl.peak_in_flight(Some("spinner-")).0, 8);
}
