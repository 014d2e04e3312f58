//! Recording a tokio program nobody here wrote: tokio's own `mini-redis` server, with clients
//! sending 600 commands, on a recorded two-worker runtime ([`asyncscope::record`]). The trace
//! is flushed while the program runs, loads back, and shows every task with its outcome; the
//! CLI prints it with `run --load`.

use asyncscope::record::{FLUSH_EVERY, Recorder};
use asyncscope::timeline::{End, Timeline};
use asyncscope::trace::jsonl;
use std::path::PathBuf;
use std::process::Command;

const CLIENTS: usize = 6;
const COMMANDS: usize = 100; // per client: 50 SET and 50 GET

fn trace_path() -> PathBuf {
    std::env::temp_dir()
        .join(format!("asyncscope-record-{}.trace", std::process::id()))
}

/// tokio's instrumentation says when a task ended, not how: a task spawned by the program (not
/// through asyncscope's probe) that ended without being cancelled or panicking reads "ended".
fn ended_normally(end: End) -> bool {
    matches!(end, End::Ended | End::Completed)
}

#[test]
fn mini_redis_recorded_with_every_client_task_ended() {
    let path = trace_path();
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    runtime.worker_threads(2);
    let recorder =
        Recorder::new("mini-redis", runtime, &path).expect("a runtime");
    let mid_run = path.clone();
    let answered = recorder.block_on(async move {
        let listener =
            tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::task::Builder::new()
            .name("server")
            .spawn(mini_redis::server::run(listener, stopped))
            .unwrap();
        let mut clients = Vec::new();
        for c in 0..CLIENTS {
            let client = async move {
                let mut client =
                    mini_redis::client::connect(addr).await.unwrap();
                let mut answered = 0;
                for i in 0..COMMANDS / 2 {
                    let key = format!("client{c}-key{i}");
                    client
                        .set(&key, bytes::Bytes::from(format!("{i}")))
                        .await
                        .unwrap();
                    let got = client.get(&key).await.unwrap();
                    assert_eq!(
                        got.as_deref(),
                        Some(format!("{i}").as_bytes())
                    );
                    answered += 2;
                }
                answered
            };
            clients.push(
                tokio::task::Builder::new()
                    .name(&format!("client {c}"))
                    .spawn(client)
                    .unwrap(),
            );
        }
        let mut answered = 0;
        for c in clients {
            answered += c.await.unwrap();
        }
        // The trace so far is on disk while the program still runs.
        tokio::time::sleep(FLUSH_EVERY * 2).await;
        let (early, _) =
            jsonl::load_lenient(&mid_run).expect("flushed while running");
        assert!(
            early.tasks.len() > CLIENTS,
            "{} tasks flushed",
            early.tasks.len()
        );
        stop.send(()).unwrap();
        server.await.unwrap().unwrap();
        answered
    });
    assert_eq!(answered, CLIENTS * COMMANDS);
    let saved = recorder.finish().expect("the trace is written");
    let size = std::fs::metadata(&saved).unwrap().len();

    let (trace, damage) = jsonl::load_lenient(&saved).unwrap();
    assert!(damage.is_none(), "{damage:?}");
    let tl = Timeline::from_trace(&trace);
    let named = |name: &str| tl.tasks.iter().find(|t| t.info.name == name);
    for c in 0..CLIENTS {
        let t = named(&format!("client {c}"))
            .expect("each client task recorded");
        assert!(ended_normally(t.end), "client {c}: {:?}", t.end);
    }
    assert!(ended_normally(
        named("server").expect("the server task").end
    ));
    // mini-redis spawns one (unnamed) task per connection: each handled its client to the end.
    let handlers: Vec<_> = tl
        .tasks
        .iter()
        .filter(|t| t.info.name.is_empty() && t.info.parent.is_some())
        .collect();
    assert!(
        handlers.len() >= CLIENTS,
        "{} connection tasks",
        handlers.len()
    );
    assert!(handlers.iter().all(|t| ended_normally(t.end)));
    let polls: usize = tl.tasks.iter().map(|t| t.polls.len()).sum();
    eprintln!(
        "mini-redis: {} tasks, {polls} polls, {} events, trace {size} bytes ({:.0} bytes per event)",
        tl.tasks.len(),
        trace.events.len(),
        size as f64 / trace.events.len() as f64
    );

    let out = Command::new(env!("CARGO_BIN_EXE_asyncscope"))
        .args(["run", "--load", saved.to_str().unwrap(), "--width", "120"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("client 0") && text.contains("server"),
        "{text}"
    );
    let _ = std::fs::remove_file(&saved);
}
