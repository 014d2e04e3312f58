//! What recording costs: a `tokio::task::yield_now()` loop in one spawned task on a
//! current-thread runtime (`enable_all()`), timed per cycle under these configurations:
//!
//! 1. plain tokio, `rt` + `time` only, no `tracing` feature (the `benches/baseline` package,
//!    built on its own so that features do not unify with ours);
//! 2. plain tokio with asyncscope's tokio features minus `tracing` (`full` + `test-util`: the
//!    same package with its `asyncscope-features` feature). With `full`, `enable_all()` starts
//!    the I/O driver, which every yield then polls, so this is the fair base for rows 3–5;
//! 3. tokio + tracing, no subscriber: this package's tokio, nothing installed;
//! 4. the asyncscope recorder, installed and recording a session, runtime built like the
//!    scenario runner builds it;
//! 5. console-subscriber's layer, set as the global default with its server spawned.
//!
//! A global subscriber can be set only once per process, so every measurement runs in a fresh
//! process: this binary re-executes itself with `ASYNCSCOPE_BENCH_CHILD=<configuration>` and
//! reads back the one result line the child prints. Each child warms up, then times one loop.
//! Runs are interleaved (round-robin over the configurations) so slow drift on the machine
//! hits all of them alike.
//!
//! `cargo bench --bench recorder_overhead`; environment:
//! - `ASYNCSCOPE_BENCH_CYCLES`: timed cycles per run (default 2,000,000; warm-up is a tenth);
//! - `ASYNCSCOPE_BENCH_RUNS`: runs per configuration (default 5).
//!
//! Run without `--bench` (`cargo test --all-targets`) it only does a quick smoke run.
//!
//! It is a measurement, not a test: missing a target is reported, never a failure. It exits
//! non-zero only when something could not run (the baseline did not build, a child crashed).

#[path = "baseline/src/workload.rs"]
mod workload;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

const CHILD_ENV: &str = "ASYNCSCOPE_BENCH_CHILD";
const CYCLES_ENV: &str = "ASYNCSCOPE_BENCH_CYCLES";
const RUNS_ENV: &str = "ASYNCSCOPE_BENCH_RUNS";
const DEFAULT_CYCLES: u64 = 2_000_000;
const DEFAULT_RUNS: usize = 5;
const BASELINE_PACKAGE: &str = "asyncscope-bench-baseline";

/// Targets for the recorder.
const TARGET_RATIO: f64 = 1.25;
const TARGET_BYTES_PER_POLL: f64 = 48.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Config {
    Plain,
    PlainFull,
    TracingOff,
    Recorder,
    Console,
}

impl Config {
    const ALL: [Config; 5] = [
        Config::Plain,
        Config::PlainFull,
        Config::TracingOff,
        Config::Recorder,
        Config::Console,
    ];

    fn key(self) -> &'static str {
        match self {
            Config::Plain => "plain",
            Config::PlainFull => "plain-full",
            Config::TracingOff => "tracing-off",
            Config::Recorder => "recorder",
            Config::Console => "console",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Config::Plain => "plain tokio: rt+time, no tracing",
            Config::PlainFull => "plain tokio: full+test-util, no tracing",
            Config::TracingOff => "tokio + tracing, no subscriber",
            Config::Recorder => "asyncscope recorder",
            Config::Console => "console-subscriber layer",
        }
    }

    fn from_key(key: &str) -> Option<Config> {
        Config::ALL.into_iter().find(|c| c.key() == key)
    }
}

fn main() -> ExitCode {
    match std::env::var(CHILD_ENV) {
        Ok(key) => {
            let Some(config) = Config::from_key(&key) else {
                eprintln!("{CHILD_ENV}={key}: not a configuration");
                return ExitCode::FAILURE;
            };
            let (cycles, warmup) = workload::cycles_from_args();
            child(config, cycles, warmup);
            ExitCode::SUCCESS
        }
        Err(_) => match parent() {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("recorder_overhead: {e}");
                ExitCode::FAILURE
            }
        },
    }
}

// ---- the measuring child -----------------------------------------------------------------------

fn plain_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

fn child(config: Config, cycles: u64, warmup: u64) {
    let mut line = format!(
        "{} config={} cycles={cycles}",
        workload::RESULT_PREFIX,
        config.key()
    );
    match config {
        Config::Plain | Config::PlainFull => {
            unreachable!("plain tokio is measured by the baseline package")
        }
        Config::TracingOff => {
            let rt = plain_runtime();
            workload::timed_run(&rt, warmup);
            let elapsed = workload::timed_run(&rt, cycles);
            line += &format!(
                " ns_per_cycle={:.3}",
                workload::per_cycle(elapsed, cycles)
            );
        }
        Config::Console => {
            use tracing_subscriber::layer::SubscriberExt;
            // The usual setup, on an ephemeral port so a console server elsewhere on the machine
            // (`asyncscope --console`, say) cannot make the bind fail, which would stop the
            // aggregator and make the layer look cheaper than it is.
            let layer = console_subscriber::ConsoleLayer::builder()
                .server_addr(([127, 0, 0, 1], 0))
                .spawn();
            tracing::subscriber::set_global_default(
                tracing_subscriber::registry().with(layer),
            )
            .expect("set the global subscriber");
            let rt = plain_runtime();
            workload::timed_run(&rt, warmup);
            let elapsed = workload::timed_run(&rt, cycles);
            line += &format!(
                " ns_per_cycle={:.3}",
                workload::per_cycle(elapsed, cycles)
            );
        }
        Config::Recorder => line += &recorder_child(cycles, warmup),
    }
    println!("{line}");
}

/// The recorder row: returns the result fields after the configuration.
fn recorder_child(cycles: u64, warmup: u64) -> String {
    use asyncscope::trace::recorder::{self, Session};
    use asyncscope::trace::{Clock, Event, EventKind, Header, TaskKind};

    recorder::install();
    // The warm-up records into a session of its own, so the measured session holds only the
    // timed run (and starts as empty as a real one does).
    let warm = Session::new(Clock::Real);
    let session = Session::new(Clock::Real);

    // As `scenarios::run_scenario` builds it (current-thread flavor, real clock).
    let mut builder = tokio::runtime::Builder::new_current_thread();
    builder.enable_all().thread_name("asyncscope-rt");
    {
        let s = session.clone();
        builder.on_thread_start(move || s.attach_current_thread());
    }
    builder.on_thread_stop(recorder::detach_current_thread);
    let idle = asyncscope::probe::IdleMeter::new(1);
    {
        let idle = idle.clone();
        builder.on_thread_park(move || {
            recorder::flush_current_thread();
            idle.on_park();
        });
    }
    builder.on_thread_unpark(move || idle.on_unpark());
    let rt = builder.build().expect("tokio runtime");

    warm.attach_current_thread();
    workload::timed_run(&rt, warmup);
    drop(warm.finish(Header::new(
        "recorder_overhead warm-up",
        Clock::Real,
        1.0,
    )));

    session.attach_current_thread();
    {
        let _inside = rt.enter();
        session.set_runtime_zero();
    }
    let elapsed = workload::timed_run(&rt, cycles);
    rt.shutdown_timeout(std::time::Duration::from_secs(1));
    let finish_start = Instant::now();
    let trace =
        session.finish(Header::new("recorder_overhead", Clock::Real, 1.0));
    let finish_ms = finish_start.elapsed().as_secs_f64() * 1e3;

    let polls = trace
        .events
        .iter()
        .filter(|e| e.kind == EventKind::PollStart)
        .count();
    // The loop task: the one plain (non-block_on) task.
    let loop_task = trace
        .tasks
        .iter()
        .find(|t| t.kind == TaskKind::Task)
        .map(|t| t.idx);
    let loop_polls = trace
        .events
        .iter()
        .filter(|e| {
            e.kind == EventKind::PollStart && Some(e.a) == loop_task
        })
        .count();
    let wakes = trace
        .events
        .iter()
        .filter(|e| e.kind == EventKind::Wake)
        .count();
    let event_bytes = trace.events.len() * std::mem::size_of::<Event>();
    format!(
        " ns_per_cycle={:.3} polls={polls} loop_polls={loop_polls} wakes={wakes} events={} \
         event_bytes={event_bytes} memory_bytes={} finish_ms={finish_ms:.1} peak_rss_mb={}",
        workload::per_cycle(elapsed, cycles),
        trace.events.len(),
        trace.memory_bytes(),
        peak_rss_mb().map_or("?".to_string(), |mb| format!("{mb:.1}")),
    )
}

/// The process's peak resident memory (Linux only), warm-up session included.
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

// ---- the parent ------------------------------------------------------------------------------

type Fields = BTreeMap<String, String>;

fn parse_result(stdout: &str) -> Option<Fields> {
    let line = stdout
        .lines()
        .rev()
        .find(|l| l.starts_with(workload::RESULT_PREFIX))?;
    Some(
        line.split_whitespace()
            .skip(1)
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    )
}

fn num(fields: &Fields, key: &str) -> Result<f64, String> {
    let text = fields
        .get(key)
        .ok_or_else(|| format!("result line has no `{key}`"))?;
    text.parse()
        .map_err(|_| format!("result field {key}={text} is not a number"))
}

/// Run one measuring process; its stderr goes to ours, its stdout is parsed.
fn run_child(mut cmd: Command, what: &str) -> Result<Fields, String> {
    let out = cmd
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("could not start the {what} process: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(format!(
            "the {what} process failed ({}); its output:\n{stdout}",
            out.status
        ));
    }
    parse_result(&stdout)
        .ok_or_else(|| format!("the {what} process printed no result line; its output:\n{stdout}"))
}

/// Build the baseline package on its own, with `feature` if given, and return its executable.
fn build_baseline(feature: Option<&str>) -> Result<PathBuf, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cmd = Command::new(&cargo);
    cmd.current_dir(root).args([
        "build",
        "--release",
        "-p",
        BASELINE_PACKAGE,
        "--message-format=json-render-diagnostics",
    ]);
    if let Some(feature) = feature {
        cmd.args(["--features", feature]);
    }
    let out = cmd.stderr(Stdio::inherit()).output().map_err(|e| {
        format!("could not run {}: {e}", Path::new(&cargo).display())
    })?;
    if !out.status.success() {
        return Err(format!(
            "building {BASELINE_PACKAGE} failed ({})",
            out.status
        ));
    }
    // Cargo names the executable it built; fall back to the usual place.
    let from_messages = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|m| m["reason"] == "compiler-artifact")
        .filter_map(|m| m["executable"].as_str().map(PathBuf::from))
        .next_back();
    let exe = from_messages.unwrap_or_else(|| {
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("target"));
        target.join("release").join(format!(
            "{BASELINE_PACKAGE}{}",
            std::env::consts::EXE_SUFFIX
        ))
    });
    if exe.is_file() {
        Ok(exe)
    } else {
        Err(format!(
            "the baseline executable {} is missing",
            exe.display()
        ))
    }
}

/// Both baseline builds. They share one output path, so the first is copied aside.
fn build_baselines() -> Result<(PathBuf, PathBuf), String> {
    eprintln!(
        "building the plain-tokio baselines ({BASELINE_PACKAGE}, release)…"
    );
    let built = build_baseline(Some("asyncscope-features"))?;
    let full = built.with_file_name(format!(
        "{BASELINE_PACKAGE}-asyncscope-features{}",
        std::env::consts::EXE_SUFFIX
    ));
    let _ = std::fs::remove_file(&full);
    std::fs::copy(&built, &full).map_err(|e| {
        format!("copying {} to {}: {e}", built.display(), full.display())
    })?;
    let plain = build_baseline(None)?;
    Ok((plain, full))
}

fn env_number(name: &str, default: u64) -> Result<u64, String> {
    match std::env::var(name) {
        Ok(text) => text
            .replace('_', "")
            .trim()
            .parse()
            .ok()
            .filter(|&n| n > 0)
            .ok_or_else(|| {
                format!("{name}={text}: expected a positive whole number")
            }),
        Err(_) => Ok(default),
    }
}

fn median(xs: &[f64]) -> f64 {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn min(xs: &[f64]) -> f64 {
    xs.iter().copied().fold(f64::INFINITY, f64::min)
}

fn parent() -> Result<(), String> {
    // `cargo bench` passes `--bench`; without it (`cargo test --all-targets`) only check that
    // everything runs, quickly.
    let smoke = !std::env::args().any(|a| a == "--bench");
    let (default_cycles, default_runs) = if smoke {
        eprintln!(
            "recorder_overhead: not run by `cargo bench`; a quick smoke run only"
        );
        (10_000, 1)
    } else {
        (DEFAULT_CYCLES, DEFAULT_RUNS as u64)
    };
    let cycles = env_number(CYCLES_ENV, default_cycles)?;
    let runs = env_number(RUNS_ENV, default_runs)? as usize;
    let warmup = (cycles / 10).max(1);
    let (baseline, baseline_full) = build_baselines()?;
    let me =
        std::env::current_exe().map_err(|e| format!("where am I? {e}"))?;

    let started = Instant::now();
    let mut results: BTreeMap<&str, Vec<Fields>> = BTreeMap::new();
    for _round in 0..runs {
        for config in Config::ALL {
            let mut cmd = match config {
                Config::Plain => Command::new(&baseline),
                Config::PlainFull => Command::new(&baseline_full),
                _ => {
                    let mut c = Command::new(&me);
                    c.env(CHILD_ENV, config.key());
                    c
                }
            };
            cmd.arg(cycles.to_string()).arg(warmup.to_string());
            let fields = run_child(cmd, config.label())?;
            if fields.get("config").map(String::as_str)
                != Some(config.key())
            {
                return Err(format!(
                    "the {} process answered for {:?}",
                    config.label(),
                    fields.get("config")
                ));
            }
            results.entry(config.key()).or_default().push(fields);
        }
    }
    let wall = started.elapsed().as_secs_f64();
    if smoke {
        println!(
            "\n(smoke run: not timed by `cargo bench`, so the numbers mean nothing)"
        );
    }

    let ns = |config: Config| -> Result<Vec<f64>, String> {
        results[config.key()]
            .iter()
            .map(|f| num(f, "ns_per_cycle"))
            .collect()
    };
    let plain = median(&ns(Config::Plain)?);
    let plain_full = median(&ns(Config::PlainFull)?);

    // The recorder's memory per recorded poll, per run (the table shows the median).
    let rec = &results[Config::Recorder.key()];
    let per_poll = |key: &str| -> Result<Vec<f64>, String> {
        rec.iter()
            .map(|f| Ok(num(f, key)? / num(f, "polls")?.max(1.0)))
            .collect()
    };
    let rec_polls: Vec<f64> = rec
        .iter()
        .map(|f| num(f, "polls"))
        .collect::<Result<_, _>>()?;
    let event_bpp = median(&per_poll("event_bytes")?);
    let memory_bpp = median(&per_poll("memory_bytes")?);

    println!();
    println!(
        "recorder_overhead: tokio::task::yield_now() loop in one spawned task, current-thread \
         runtime (enable_all); {cycles} timed cycles after {warmup} warm-up; {runs} runs per \
         configuration, each a fresh process, interleaved; {wall:.1} s"
    );
    println!();
    let widths = [40, 9, 9, 11, 11, 17];
    println!(
        "{:<w0$} {:>w1$} {:>w2$} {:>w3$} {:>w4$} {:>w5$}",
        "configuration",
        "median",
        "min",
        "×rt+time",
        "×full",
        "bytes/poll",
        w0 = widths[0],
        w1 = widths[1],
        w2 = widths[2],
        w3 = widths[3],
        w4 = widths[4],
        w5 = widths[5],
    );
    println!(
        "{:<w0$} {:>w1$} {:>w2$} {:>w3$} {:>w4$} {:>w5$}",
        "",
        "ns/cycle",
        "ns/cycle",
        "(medians)",
        "(medians)",
        "(recorded)",
        w0 = widths[0],
        w1 = widths[1],
        w2 = widths[2],
        w3 = widths[3],
        w4 = widths[4],
        w5 = widths[5],
    );
    println!(
        "{}",
        "-".repeat(widths.iter().sum::<usize>() + widths.len() - 1)
    );
    for config in Config::ALL {
        let xs = ns(config)?;
        let m = median(&xs);
        let bytes = if config == Config::Recorder {
            format!("{event_bpp:.3} ({memory_bpp:.3})")
        } else {
            "-".to_string()
        };
        println!(
            "{:<w0$} {:>w1$.1} {:>w2$.1} {:>w3$} {:>w4$} {:>w5$}",
            config.label(),
            m,
            min(&xs),
            format!("{:.2}×", m / plain),
            format!("{:.2}×", m / plain_full),
            bytes,
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3],
            w4 = widths[4],
            w5 = widths[5],
        );
    }
    println!();
    println!("ns/cycle of each run, in order:");
    for config in Config::ALL {
        let xs: Vec<String> =
            ns(config)?.iter().map(|x| format!("{x:.1}")).collect();
        println!(
            "  {:<w$} {}",
            config.label(),
            xs.join(", "),
            w = widths[0]
        );
    }

    // Recorder details, and the sanity check on what it recorded.
    let first = &rec[0];
    let field =
        |k: &str| first.get(k).map_or("?", String::as_str).to_string();
    println!();
    println!(
        "recorder (run 1): {} polls recorded ({} of the loop task), {} events, {} wakes; \
         finish() took {} ms; peak RSS of the process {} MB",
        field("polls"),
        field("loop_polls"),
        field("events"),
        field("wakes"),
        field("finish_ms"),
        field("peak_rss_mb"),
    );
    println!(
        "bytes/poll = events × {} B / polls; in parentheses Trace::memory_bytes() / polls \
         (capacity and side tables)",
        std::mem::size_of::<asyncscope::trace::Event>(),
    );
    let expected = cycles as f64;
    for (i, &p) in rec_polls.iter().enumerate() {
        if (p - expected).abs() > expected * 0.01 + 10.0 {
            println!(
                "WARNING: recorder run {} recorded {p} polls, expected ≈ {expected} (one per \
                 cycle)",
                i + 1
            );
        }
    }

    let rec_ns = median(&ns(Config::Recorder)?);
    let verdict = |ok: bool| if ok { "met" } else { "NOT met" };
    println!();
    println!(
        "target: recorder ≤ {TARGET_RATIO:.2}× plain tokio: {:.2}× plain tokio rt+time ({}); \
         {:.2}× plain tokio with asyncscope's features ({})",
        rec_ns / plain,
        verdict(rec_ns / plain <= TARGET_RATIO),
        rec_ns / plain_full,
        verdict(rec_ns / plain_full <= TARGET_RATIO),
    );
    println!(
        "target: ≤ {TARGET_BYTES_PER_POLL:.0} bytes per recorded poll: {event_bpp:.4} ({}); \
         {memory_bpp:.4} counting capacity and side tables ({})",
        verdict(event_bpp <= TARGET_BYTES_PER_POLL),
        verdict(memory_bpp <= TARGET_BYTES_PER_POLL),
    );
    Ok(())
}
