//! Load: `many-tasks` (10,000 tasks) and `many-polls` (1,000,000 polls) at full size.
//!
//! First each is recorded (paused clock: the figures are the recorder's work, not sleeps) and
//! its timeline built, printing events, polls, tasks, record time, trace bytes per poll,
//! timeline build time and memory, and the process's peak RSS. Then each plays live in the
//! TUI, headless (ratatui's TestBackend), on the real clock as the TUI runs it, driven like
//! the event loop: a tick every 33 ms and keys arriving from another thread at uneven
//! intervals. Printed: the worst and the 99th-percentile time from a key being sent to its
//! frame being drawn (waiting behind a tick included), and the worst tick (taking in a live
//! build, plus its frame); each also as CPU time of the UI thread, which is what the TUI
//! spends, while wall time also counts the cores going to the run, its builder and whatever
//! else the machine runs.
//!
//! cargo bench --bench load

use asyncscope::scenarios::{self, RunOptions};
use asyncscope::timeline::{
    HeartbeatTick, Interval, MarkAt, PollSpan, ResourceLine, Stamp,
    TaskLine, Timeline, WakeAt,
};
use asyncscope::trace::Clock;
use asyncscope::tui;
use asyncscope::tui::app::{App, Config};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::mem::size_of;
use std::sync::mpsc;
use std::time::{Duration, Instant};

const TICK: Duration = Duration::from_millis(33);

/// A `/proc/self/status` figure in MiB ("VmHWM": peak RSS, "VmRSS": now).
fn status_mib(field: &str) -> f64 {
    let status =
        std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// CPU time this thread has used: what the UI thread really spent, as opposed to the wall
/// time in which other threads (the run, its builder, other builds on the machine) had the
/// cores.
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec for clock_gettime to fill.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Start a new peak-RSS measurement (Linux: writing 5 to clear_refs resets VmHWM).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Bytes a timeline holds: its vectors' capacities and names.
fn timeline_bytes(tl: &Timeline) -> usize {
    let tasks: usize = tl
        .tasks
        .iter()
        .map(|t| {
            size_of::<TaskLine>()
                + t.info.name.capacity()
                + t.intervals.capacity() * size_of::<Interval>()
                + t.polls.capacity() * size_of::<PollSpan>()
                + t.wakes.capacity() * size_of::<WakeAt>()
                + t.marks.capacity() * size_of::<(Stamp, String)>()
        })
        .sum();
    let threads: usize = tl
        .threads
        .iter()
        .map(|t| t.polls.capacity() * size_of::<(u32, PollSpan)>())
        .sum();
    let resources: usize = tl
        .resources
        .iter()
        .map(|r| {
            size_of::<ResourceLine>()
                + r.holders.capacity() * size_of::<(Stamp, Option<u32>)>()
        })
        .sum();
    tasks
        + threads
        + resources
        + tl.marks.capacity() * size_of::<MarkAt>()
        + tl.heartbeats.capacity() * size_of::<HeartbeatTick>()
}

fn polls_of(tl: &Timeline) -> usize {
    tl.tasks.iter().map(|t| t.polls.len()).sum()
}

fn record(id: &str) {
    let rss0 = status_mib("VmRSS");
    reset_peak();
    let t0 = Instant::now();
    let trace = scenarios::run(id, &RunOptions::virtual_time())
        .expect("the scenario runs");
    let took = t0.elapsed();
    let peak = status_mib("VmHWM");
    let t0 = Instant::now();
    let tl = Timeline::from_trace(&trace);
    let build = t0.elapsed();
    let peak_tl = status_mib("VmHWM");
    let polls = polls_of(&tl);
    let bytes = trace.memory_bytes();
    println!("{id} (default knobs, paused clock)");
    println!(
        "  events {}, polls {polls}, tasks {}",
        trace.events.len(),
        trace.tasks.len()
    );
    println!("  record: {took:.2?}");
    println!(
        "  trace: {:.1} MiB, {:.3} bytes per poll ({:.3} events per poll)",
        bytes as f64 / 1048576.0,
        bytes as f64 / polls as f64,
        trace.events.len() as f64 / polls as f64
    );
    println!(
        "  timeline: built in {build:.2?}, {:.1} MiB ({:.1} bytes per poll)",
        timeline_bytes(&tl) as f64 / 1048576.0,
        timeline_bytes(&tl) as f64 / polls as f64
    );
    println!(
        "  RSS: {rss0:.0} MiB before; peak {peak:.0} MiB recording, \
         {peak_tl:.0} MiB with the timeline built"
    );
}

fn percentile(v: &mut [Duration], p: f64) -> Duration {
    if v.is_empty() {
        return Duration::ZERO;
    }
    v.sort();
    let i = ((v.len() as f64 * p).ceil() as usize).clamp(1, v.len()) - 1;
    v[i]
}

/// The keys sent while a run plays: moving, zooming, folding, the inspector, pausing,
/// stepping back (the prefix timeline is rebuilt), and back to following the run.
const KEYS: [KeyCode; 14] = [
    KeyCode::Down,
    KeyCode::Char('z'),
    KeyCode::Up,
    KeyCode::Char('x'),
    KeyCode::Char('f'),
    KeyCode::Char('t'),
    KeyCode::Char('f'),
    KeyCode::Char('t'),
    KeyCode::Char(' '),
    KeyCode::Left,
    KeyCode::Left,
    KeyCode::Right,
    KeyCode::Char(' '),
    KeyCode::End,
];

/// What one live run in the headless TUI measured.
struct Round {
    keys: Vec<Duration>,
    /// UI-thread CPU time handling each key and drawing its frame.
    keys_cpu: Vec<Duration>,
    worst_key: Option<(KeyCode, Duration)>,
    /// Each tick with its frame, and the tick alone.
    ticks: Vec<Duration>,
    tick_only: Vec<Duration>,
    ticks_cpu: Vec<Duration>,
    /// Timelines shown while the run went (live builds and the final one).
    shown: usize,
    /// Until the TUI had the final trace.
    run: Duration,
    events: usize,
}

/// Play `id` live in a headless TUI, like the event loop would, with keys arriving from
/// another thread (gaps from `seed`); checks the final trace has all `expect_polls` polls of
/// the tasks named `tasks…`.
fn live_round(
    id: &str,
    tasks: &str,
    expect_polls: usize,
    seed: u64,
) -> Round {
    let mut config = Config::for_tests();
    config.clock = Clock::Real;
    config.redact_wall = false;
    let mut app = App::new(config);
    let mut term = Terminal::new(TestBackend::new(200, 60)).unwrap();
    let started = Instant::now();
    app.play(id, Vec::new());
    term.draw(|f| tui::draw(f, &mut app)).unwrap();

    let (tx, rx) = mpsc::channel::<(KeyCode, Instant)>();
    let (stop_tx, stop_rx) = mpsc::channel::<()>();
    let sender = std::thread::spawn(move || {
        // Uneven gaps (a fixed pseudo-random walk), so keys land anywhere in a frame.
        let mut x = seed;
        for i in 0.. {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let gap = Duration::from_millis(5 + x % 40);
            if stop_rx.recv_timeout(gap).is_ok() {
                return;
            }
            if tx.send((KEYS[i % KEYS.len()], Instant::now())).is_err() {
                return;
            }
        }
    });

    let mut round = Round {
        keys: Vec::new(),
        keys_cpu: Vec::new(),
        worst_key: None,
        ticks: Vec::new(),
        tick_only: Vec::new(),
        ticks_cpu: Vec::new(),
        shown: 0,
        run: Duration::ZERO,
        events: 0,
    };
    let mut last_gen = u64::MAX;
    let mut next_tick = Instant::now() + TICK;
    let mut done_at = None;
    loop {
        let wait = next_tick.saturating_duration_since(Instant::now());
        match rx.recv_timeout(wait) {
            Ok((code, sent)) => {
                let cpu = thread_cpu();
                app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
                term.draw(|f| tui::draw(f, &mut app)).unwrap();
                round.keys_cpu.push(thread_cpu() - cpu);
                let took = sent.elapsed();
                if round.worst_key.is_none_or(|(_, w)| took > w) {
                    round.worst_key = Some((code, took));
                }
                round.keys.push(took);
            }
            Err(_) => {
                let (t0, cpu) = (Instant::now(), thread_cpu());
                next_tick = t0 + TICK;
                let changed = app.tick(t0);
                round.tick_only.push(t0.elapsed());
                if changed {
                    term.draw(|f| tui::draw(f, &mut app)).unwrap();
                }
                round.ticks.push(t0.elapsed());
                round.ticks_cpu.push(thread_cpu() - cpu);
                let r = app.lv.recording().unwrap();
                if r.is_live() && r.generation != last_gen {
                    last_gen = r.generation;
                    round.shown += 1;
                }
                if !r.is_live() && done_at.is_none() {
                    done_at = Some(started.elapsed());
                }
            }
        }
        // Half a second more after the run ends, keys still coming, on the finished trace.
        if let Some(d) = done_at
            && started.elapsed() > d + Duration::from_millis(500)
        {
            break;
        }
    }
    let _ = stop_tx.send(());
    sender.join().unwrap();

    let r = app.lv.recording().unwrap();
    assert!(r.error.is_none(), "{:?}", r.error);
    let polls: usize = r
        .full
        .tasks
        .iter()
        .filter(|t| t.info.name.starts_with(tasks))
        .map(|t| t.polls.len())
        .sum();
    assert_eq!(polls, expect_polls, "polls lost in the live run");
    round.run = done_at.unwrap();
    round.events = r.events();
    round
}

/// `rounds` live runs of `id`, figures over all of them.
fn play_live(id: &str, tasks: &str, expect_polls: usize, rounds: u64) {
    println!("{id} live in the TUI (real clock, 200x60, {rounds} runs)");
    reset_peak();
    let mut all: Vec<Round> = (0..rounds)
        .map(|i| {
            live_round(id, tasks, expect_polls, 0x9e37_79b9_7f4a_7c15 + i)
        })
        .collect();
    let peak = status_mib("VmHWM");
    for r in &all {
        println!(
            "  run: {:.2?} until the TUI had the final trace; {} events, all \
             {expect_polls} polls of the {tasks}tasks; {} live timelines shown",
            r.run, r.events, r.shown
        );
    }
    let mut keys: Vec<Duration> =
        all.iter().flat_map(|r| r.keys.clone()).collect();
    let worst_key = all
        .iter()
        .filter_map(|r| r.worst_key)
        .max_by_key(|(_, d)| *d)
        .map_or(String::new(), |(k, _)| k.to_string());
    println!(
        "  key to frame: {} keys, median {:.2?}, p99 {:.2?}, worst {:.2?} ({worst_key})",
        keys.len(),
        percentile(&mut keys, 0.5),
        percentile(&mut keys, 0.99),
        percentile(&mut keys, 1.0)
    );
    let mut keys_cpu: Vec<Duration> =
        all.iter().flat_map(|r| r.keys_cpu.clone()).collect();
    println!(
        "    UI-thread CPU per key and frame: p99 {:.2?}, worst {:.2?}",
        percentile(&mut keys_cpu, 0.99),
        percentile(&mut keys_cpu, 1.0)
    );
    let mut ticks: Vec<Duration> =
        all.iter_mut().flat_map(|r| r.ticks.drain(..)).collect();
    let mut alone: Vec<Duration> =
        all.iter_mut().flat_map(|r| r.tick_only.drain(..)).collect();
    println!(
        "  tick with its frame: {} ticks, p99 {:.2?}, worst {:.2?}; the tick alone: \
         worst {:.2?}",
        ticks.len(),
        percentile(&mut ticks, 0.99),
        percentile(&mut ticks, 1.0),
        percentile(&mut alone, 1.0)
    );
    let mut ticks_cpu: Vec<Duration> =
        all.iter_mut().flat_map(|r| r.ticks_cpu.drain(..)).collect();
    println!(
        "    UI-thread CPU per tick and frame: p99 {:.2?}, worst {:.2?}",
        percentile(&mut ticks_cpu, 0.99),
        percentile(&mut ticks_cpu, 1.0)
    );
    println!("  RSS: peak {peak:.0} MiB while playing");
}

fn main() {
    record("many-polls");
    record("many-tasks");
    // The scenario's own tasks: a million polls; 10,000 tasks of 2 yields and a sleep.
    play_live("many-polls", "yielder ", 1_000_000, 3);
    play_live("many-tasks", "wave ", 10_000 * 4, 3);
}
