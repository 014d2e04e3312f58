use asyncscope::trace::*;
#[test]
fn bench() {
    let mut t = Trace::empty(Header::new("b", Clock::Real, 1.0));
    t.threads.push(ThreadInfo { idx: 0, name: "m".into() });
    t.tasks.push(TaskInfo { idx: 0, tokio_id: 1, name: "x".into(), kind: TaskKind::Task, spawned_at: None, parent: None, probe: false });
    for i in 0..1_000_000u64 { t.events.push(Event::new(if i % 2 == 0 { EventKind::PollStart } else { EventKind::PollEnd }, i * 1000, 0, 0, 0)); }
    let s = std::time::Instant::now();
    let mut v = Vec::new();
    jsonl::write(&t, &mut v).unwrap();
    let w = s.elapsed();
    let s = std::time::Instant::now();
    let back = jsonl::read(&v[..]).unwrap();
    eprintln!("BENCH write {w:?} read {:?} size {} MB", s.elapsed(), v.len() >> 20);
    assert_eq!(back, t);
}
