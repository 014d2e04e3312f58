//! Hostile code never freezes the tool: each hostile program (a binary of the solutions
//! package, `solutions/hostile/*.rs`) is built and run contained like a learner's code, and
//! ends in the right verdict, within its time limit, with a sentence a learner can act on;
//! afterwards no process it started is alive (looked up through /proc by executable).

use asyncscope::exercise::SOLUTIONS_PACKAGE;
use asyncscope::exercise::runner::{self, Limits, RunReport, Verdict};
use asyncscope::sandbox::Containment;
use asyncscope::timeline::Timeline;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const LIMIT_S: f64 = 3.0;

/// Slack over the limit for the whole run to come back: the runner itself needs well under a
/// second; the rest keeps the test honest on a loaded machine.
const SLACK: Duration = Duration::from_secs(3);

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Build `hostile_<what>`, run it with a 3 s wall limit, and check the run came back in time.
fn run_hostile(what: &str) -> RunReport {
    run_hostile_with(what, Limits::with_wall(LIMIT_S)).0
}

fn build_hostile(what: &str) -> PathBuf {
    let bin = format!("hostile_{what}");
    runner::build(root(), SOLUTIONS_PACKAGE, &bin, false)
        .unwrap_or_else(|e| panic!("{bin} does not build:\n{e}"))
}

/// [`run_hostile`] with `limits`; also checks that nothing it started is left, and gives its
/// binary.
fn run_hostile_with(what: &str, limits: Limits) -> (RunReport, PathBuf) {
    let bin = format!("hostile_{what}");
    let binary = build_hostile(what);
    let start = Instant::now();
    let report = runner::run(&binary, limits);
    let took = start.elapsed();
    assert!(
        took <= limits.wall + SLACK,
        "{bin}: the run took {took:?}, limit {:?}",
        limits.wall
    );
    eprintln!(
        "{bin}: {:?} after {took:.2?} ({:?}) — your program {}",
        variant(&report.verdict),
        report.containment,
        report.verdict.describe()
    );
    assert_none_left(&binary);
    (report, binary)
}

fn variant(v: &Verdict) -> &'static str {
    match v {
        Verdict::Finished(_) => "Finished",
        Verdict::TimedOut(_) => "TimedOut",
        Verdict::Stopped(_) => "Stopped",
        Verdict::Panicked(_) => "Panicked",
        Verdict::Exited(_) => "Exited",
        Verdict::OutOfMemory => "OutOfMemory",
        Verdict::OutputFlood(_) => "OutputFlood",
        Verdict::FileTooBig(_) => "FileTooBig",
        Verdict::Crashed(_) => "Crashed",
        Verdict::BadTrace(_) => "BadTrace",
        Verdict::Cancelled => "Cancelled",
        Verdict::NotRun(_) => "NotRun",
    }
}

/// The processes running `binary` (forks included: they keep the executable).
fn running(binary: &Path) -> Vec<u32> {
    let binary = binary.canonicalize().unwrap_or(binary.to_path_buf());
    let mut pids = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten()
    {
        let Some(pid) =
            entry.file_name().to_str().and_then(|n| n.parse().ok())
        else {
            continue;
        };
        let Ok(exe) = std::fs::read_link(entry.path().join("exe")) else {
            continue;
        };
        // A zombie (ended, not yet reaped) runs nothing.
        let state = std::fs::read_to_string(entry.path().join("stat"))
            .unwrap_or_default();
        let zombie = state
            .rsplit_once(')')
            .is_some_and(|(_, r)| r.trim_start().starts_with('Z'));
        let exe = exe.to_string_lossy();
        if !zombie
            && exe.trim_end_matches(" (deleted)")
                == binary.to_string_lossy()
        {
            pids.push(pid);
        }
    }
    pids
}

/// No process runs `binary`, at most a few seconds after its check came back (the kernel
/// finishes killing a namespace asynchronously; generous for a loaded machine).
fn assert_none_left(binary: &Path) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let left = running(binary);
        if left.is_empty() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{} still runs as {left:?} after its check",
            binary.display()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Whether this machine gives runs a PID namespace (unprivileged user namespaces allowed).
fn namespaces_here() -> bool {
    let (report, _) = run_hostile_with("exit", Limits::with_wall(LIMIT_S));
    report.containment == Some(Containment::PidNamespace)
}

/// The same limits without namespaces: the subreaper fallback.
fn fallback(seconds: f64) -> Limits {
    Limits {
        namespaces: false,
        ..Limits::with_wall(seconds)
    }
}

/// A verdict's sentence reads as the end of "your program …": lower-case start, no stray
/// punctuation, no debug formatting.
fn assert_reads_well(v: &Verdict) -> String {
    let s = v.describe();
    assert!(
        s.starts_with(|c: char| c.is_ascii_lowercase()),
        "`{s}` should continue \"your program …\""
    );
    for bad in ["{", "}", "\"", "(thread", ":)", "  ", "Some("] {
        assert!(!s.contains(bad), "`{s}` contains `{bad}`");
    }
    assert!(!s.ends_with('.') && !s.ends_with(':'), "`{s}`");
    s
}

#[test]
fn endless_loop_in_main_times_out() {
    let report = run_hostile("loop_main");
    assert!(
        matches!(report.verdict, Verdict::TimedOut(d) if d == Duration::from_secs(3)),
        "{:?}",
        report.verdict
    );
    assert!(report.wall >= Duration::from_secs(3));
    let s = assert_reads_well(&report.verdict);
    assert!(
        s.contains("within 3 s") && s.contains("endless loop"),
        "{s}"
    );
}

#[test]
fn task_that_never_yields_times_out() {
    let report = run_hostile("loop_task");
    assert!(
        matches!(report.verdict, Verdict::TimedOut(_)),
        "{:?}",
        report.verdict
    );
}

#[test]
fn async_deadlock_finishes_with_a_trace_that_names_it() {
    let report = run_hostile("deadlock");
    let Verdict::Finished(trace) = &report.verdict else {
        panic!(
            "a tokio deadlock should finish on the paused clock: {report:?}"
        );
    };
    // The paused clock jumped to the limit: the run is quick in wall time.
    assert!(report.wall < Duration::from_secs(3), "{:?}", report.wall);
    let tl = Timeline::from_trace(trace);
    let deadlock = tl.deadlock().expect("the timeline finds the deadlock");
    assert_eq!(deadlock.cycle.len(), 2, "{deadlock:?}");
    let sentence = tl.describe_deadlock(&deadlock);
    for name in ["`transfer-ab`", "`transfer-ba`", "Mutex"] {
        assert!(sentence.contains(name), "{name} in: {sentence}");
    }
    eprintln!("hostile_deadlock: {sentence}");
}

#[test]
fn std_mutex_locked_twice_blocks_the_thread_and_times_out() {
    let report = run_hostile("std_mutex");
    assert!(
        matches!(report.verdict, Verdict::TimedOut(_)),
        "{:?}",
        report.verdict
    );
    let s = assert_reads_well(&report.verdict);
    assert!(s.contains("std Mutex"), "{s}");
}

#[test]
fn panic_in_main_is_reported_with_its_message_and_place() {
    let report = run_hostile("panic");
    let Verdict::Panicked(msg) = &report.verdict else {
        panic!("{:?}", report.verdict);
    };
    assert!(msg.starts_with("no pages to fetch"), "{msg}");
    assert!(msg.contains("hostile/panic.rs:6"), "{msg}");
    let s = assert_reads_well(&report.verdict);
    assert!(s.starts_with("panicked: no pages to fetch (at "), "{s}");
}

#[test]
fn process_exit_is_reported_with_its_code() {
    let report = run_hostile("exit");
    assert!(
        matches!(report.verdict, Verdict::Exited(3)),
        "{:?}",
        report.verdict
    );
    assert_eq!(report.stdout, "leaving early\n");
    let s = assert_reads_well(&report.verdict);
    assert!(s.contains("code 3") && s.contains("process::exit"), "{s}");
}

#[test]
fn huge_allocation_is_out_of_memory() {
    let report = run_hostile("alloc");
    assert!(
        matches!(report.verdict, Verdict::OutOfMemory),
        "{:?} (stderr: {})",
        report.verdict,
        report.stderr
    );
    let s = assert_reads_well(&report.verdict);
    assert!(s.contains("2 GiB"), "{s}");
}

#[test]
fn output_flood_is_stopped() {
    let report = run_hostile("flood");
    let Verdict::OutputFlood(n) = report.verdict else {
        panic!("{:?}", report.verdict);
    };
    let limits = Limits::with_wall(LIMIT_S);
    // The sentence names the cap, not how much came before it was noticed.
    assert_eq!(n, limits.flood);
    // What was kept is bounded and starts at the beginning.
    assert!(report.stdout.len() <= limits.keep_output + (8 << 10));
    assert!(report.stdout.contains("bytes left out"));
    assert!(report.stdout.starts_with("line 0: "));
    assert!(report.wall < Duration::from_secs(3), "{:?}", report.wall);
    let s = assert_reads_well(&report.verdict);
    assert!(s.contains("more than 4 MiB"), "{s}");
}

#[test]
fn a_child_left_holding_the_output_does_not_hold_the_run() {
    // `sleep 60` inherits the pipes; the run must end when the program does.
    let report = run_hostile("orphan");
    assert!(
        matches!(report.verdict, Verdict::Exited(4)),
        "{:?}",
        report.verdict
    );
    assert!(report.wall < Duration::from_secs(3), "{:?}", report.wall);
}

#[test]
fn a_forked_child_that_calls_setsid_dies_with_the_check() {
    for limits in [Limits::with_wall(LIMIT_S), fallback(LIMIT_S)] {
        let (report, _) = run_hostile_with("setsid", limits);
        assert!(
            matches!(report.verdict, Verdict::Exited(5)),
            "{:?}",
            report.verdict
        );
    }
}

#[test]
fn a_double_forked_daemon_and_a_setpgid_loop_die_with_the_check() {
    for limits in [Limits::with_wall(LIMIT_S), fallback(LIMIT_S)] {
        let (report, _) = run_hostile_with("double_fork", limits);
        assert!(
            matches!(report.verdict, Verdict::TimedOut(_)),
            "{:?}",
            report.verdict
        );
    }
}

#[test]
fn the_program_cannot_stop_or_kill_its_grader() {
    if !namespaces_here() {
        eprintln!(
            "no PID namespaces here: the grader can be signalled (see the README)"
        );
        return;
    }
    for what in ["signal_parent", "signal_grader"] {
        let (report, _) =
            run_hostile_with(what, Limits::with_wall(LIMIT_S));
        assert!(
            matches!(report.verdict, Verdict::Exited(6)),
            "{what}: {:?}",
            report.verdict
        );
    }
}

#[test]
fn a_stopped_supervisor_still_ends_in_time() {
    // Without a namespace the program can stop its supervisor: the grader ends it anyway.
    let (report, _) = run_hostile_with("signal_parent", fallback(LIMIT_S));
    let Verdict::Crashed(how) = &report.verdict else {
        panic!("{:?}", report.verdict);
    };
    assert!(how.contains("from outside"), "{how}");
    assert_reads_well(&report.verdict);
}

#[test]
fn a_fifo_or_symlink_at_the_old_hand_back_path_changes_nothing() {
    let (report, _) =
        run_hostile_with("hand_back", Limits::with_wall(LIMIT_S));
    assert!(
        matches!(report.verdict, Verdict::Exited(0)),
        "{:?}",
        report.verdict
    );
    let tmp = report
        .stdout
        .trim()
        .strip_prefix("tmp ")
        .expect("it says its TMPDIR");
    assert!(tmp.contains("asyncscope-run-"), "a private TMPDIR: {tmp}");
    assert!(!Path::new(tmp).exists(), "{tmp} is removed after the run");
}

#[test]
fn a_forged_trace_without_a_run_end_is_refused() {
    let report = run_hostile("forged");
    let Verdict::BadTrace(why) = &report.verdict else {
        panic!("{:?}", report.verdict);
    };
    assert!(why.contains("no end"), "{why}");
    assert_reads_well(&report.verdict);
}

#[test]
fn escapes_in_a_panic_and_the_output_are_shown_not_sent() {
    let report = run_hostile("escapes");
    let Verdict::Panicked(msg) = &report.verdict else {
        panic!("{:?}", report.verdict);
    };
    for text in [
        msg.as_str(),
        &report.stdout,
        &report.stderr,
        &report.verdict.describe(),
    ] {
        assert!(
            !text
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t'),
            "a control character in {text:?}"
        );
    }
    assert!(
        msg.contains("\\x1b[2J") && msg.contains("\\x1b]52;c;aGk=\\x07"),
        "{msg}"
    );
    assert!(msg.contains("gotcha\\u{9b}31m"), "{msg}");
    assert!(
        report.stdout.starts_with("\\x1b[2J\\x1b[Hcleared?"),
        "{}",
        report.stdout
    );
}

#[test]
fn the_program_has_no_terminal() {
    let report = run_hostile("tty");
    assert!(
        matches!(report.verdict, Verdict::Exited(8)),
        "{:?}",
        report.verdict
    );
    assert!(
        report.stdout.starts_with("no terminal: "),
        "{}",
        report.stdout
    );
}

#[test]
fn stopping_itself_is_named() {
    let report = run_hostile("stop_self");
    assert!(
        matches!(report.verdict, Verdict::Stopped(_)),
        "{:?}",
        report.verdict
    );
    let s = assert_reads_well(&report.verdict);
    assert!(s.contains("SIGSTOP") && !s.contains("endless loop"), "{s}");
}

#[test]
fn a_file_past_the_size_limit_stops_the_program() {
    let report = run_hostile("big_file");
    assert!(
        matches!(report.verdict, Verdict::FileTooBig(_)),
        "{:?}",
        report.verdict
    );
    let s = assert_reads_well(&report.verdict);
    assert!(s.contains("64 MiB"), "{s}");
}

#[test]
fn a_cancelled_run_stops_at_once() {
    use std::sync::atomic::AtomicBool;
    static CANCEL: AtomicBool = AtomicBool::new(true);
    let binary = build_hostile("loop_main");
    let watch = runner::Watchers {
        cancel: &CANCEL,
        note: &|_| {},
    };
    let report = runner::run_with(&binary, Limits::with_wall(60.0), watch);
    assert!(
        matches!(report.verdict, Verdict::Cancelled),
        "{:?}",
        report.verdict
    );
    assert!(report.wall < Duration::from_secs(30), "{:?}", report.wall);
    assert_reads_well(&report.verdict);
    assert_none_left(&binary);
}

/// Run by [`killing_the_grader_kills_everything`] in a process of its own: the grader to kill.
#[test]
#[ignore = "a helper: run by killing_the_grader_kills_everything"]
fn grader_to_be_killed() {
    let Some(binary) = std::env::var_os("HOSTILE_BINARY") else {
        return;
    };
    let limits = Limits {
        namespaces: std::env::var_os("HOSTILE_NO_NAMESPACES").is_none(),
        ..Limits::with_wall(120.0)
    };
    let report = runner::run(Path::new(&binary), limits);
    panic!("the run should have been killed first: {report:?}");
}

#[test]
fn killing_the_grader_kills_everything() {
    let binary = build_hostile("grandchildren");
    for (signal, namespaces) in [
        (libc::SIGKILL, true),
        (libc::SIGKILL, false),
        (libc::SIGTERM, true),
        (libc::SIGINT, false),
    ] {
        let mut grader =
            std::process::Command::new(std::env::current_exe().unwrap());
        grader
            .args([
                "grader_to_be_killed",
                "--exact",
                "--ignored",
                "--nocapture",
            ])
            .env("HOSTILE_BINARY", &binary)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        if !namespaces {
            grader.env("HOSTILE_NO_NAMESPACES", "1");
        }
        let mut grader = grader.spawn().unwrap();
        // The program and its 200 grandchildren (and, briefly, the middle children).
        let deadline = Instant::now() + Duration::from_secs(60);
        while running(&binary).len() < 201 {
            assert!(
                Instant::now() < deadline,
                "the grandchildren did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        if signal == libc::SIGKILL {
            grader.kill().unwrap();
        } else {
            // SAFETY: kill has no memory-safety preconditions; the pid is our unreaped child.
            let r = unsafe { libc::kill(grader.id() as i32, signal) };
            assert_eq!(r, 0);
        }
        let grader_pid = grader.id();
        grader.wait().unwrap();
        eprintln!(
            "grader killed by signal {signal} (namespaces: {namespaces}): {} left at once",
            running(&binary).len()
        );
        assert_none_left(&binary);
        // The killed grader's temporary folder goes with the next run.
        runner::run(&build_hostile("exit"), Limits::with_wall(LIMIT_S));
        let prefix = format!("asyncscope-run-{grader_pid}-");
        let left: Vec<_> = std::fs::read_dir(std::env::temp_dir())
            .unwrap()
            .flatten()
            .filter(|e| {
                e.file_name().to_string_lossy().starts_with(&prefix)
            })
            .map(|e| e.path())
            .collect();
        assert!(left.is_empty(), "left behind: {left:?}");
    }
}

#[test]
fn the_build_has_a_time_limit_and_dies_as_a_tree() {
    // A crate of its own (a const evaluated forever must not be in the solutions package,
    // which the test suite builds whole).
    let dir = std::env::temp_dir()
        .join(format!("asyncscope-const-loop-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"const-loop\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[workspace]\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("src/main.rs"),
        "#![allow(long_running_const_eval)]\nconst N: u64 = { let mut i = 0u64; loop { i = i.wrapping_add(1); if i == 0 { break i; } } };\nfn main() { println!(\"{N}\"); }\n",
    )
    .unwrap();
    // Long enough that on a loaded machine the first build still holds cargo's lock when
    // the second one starts (its rustc may take seconds to appear).
    let limit = Duration::from_secs(20);
    // A second build of the same crate meanwhile waits for cargo's lock, and says so.
    let second = {
        let dir = dir.clone();
        std::thread::spawn(move || {
            // Once the first build's rustc runs, cargo holds the lock.
            let deadline = Instant::now() + Duration::from_secs(60);
            while !processes_in(&dir).iter().any(|pid| {
                std::fs::read_to_string(format!("/proc/{pid}/comm"))
                    .is_ok_and(|c| c.trim() == "rustc")
            }) && Instant::now() < deadline
            {
                std::thread::sleep(Duration::from_millis(20));
            }
            let notes = std::sync::Mutex::new(Vec::new());
            let note = |n: &str| notes.lock().unwrap().push(n.to_string());
            let built = runner::build_limited(
                &dir,
                "const-loop",
                "const-loop",
                false,
                Duration::from_secs(10),
                runner::Watchers::with_note(&note),
            );
            (
                built.err().map(|e| e.to_string()),
                notes.into_inner().unwrap(),
            )
        })
    };
    let start = Instant::now();
    let built = runner::build_limited(
        &dir,
        "const-loop",
        "const-loop",
        false,
        limit,
        runner::Watchers::none(),
    );
    let took = start.elapsed();
    let Err(runner::BuildFailed::TimedOut(d)) = &built else {
        panic!("{built:?}");
    };
    assert_eq!(*d, limit);
    assert!(took <= limit + SLACK, "{took:?}");
    let s = built.unwrap_err().to_string();
    assert!(s.contains("within 20 s") && s.contains("const"), "{s}");
    let (second, notes) = second.join().unwrap();
    assert!(second.is_some_and(|e| e.contains("within 10 s")));
    assert!(
        notes.iter().any(|n| n == runner::WAITING_FOR_LOCK),
        "{notes:?}"
    );
    // No cargo or rustc of this build is left (their working folder is the crate's).
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let left = processes_in(&dir);
        if left.is_empty() {
            break;
        }
        assert!(Instant::now() < deadline, "left running: {left:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Run by [`a_missing_or_full_tmpdir_is_not_blamed_on_the_learner`] with its own `TMPDIR`.
#[test]
#[ignore = "a helper: run by a_missing_or_full_tmpdir_is_not_blamed_on_the_learner"]
fn run_with_this_tmpdir() {
    let Some(binary) = std::env::var_os("HOSTILE_BINARY") else {
        return;
    };
    let report =
        runner::run(Path::new(&binary), Limits::with_wall(LIMIT_S));
    println!(
        "VERDICT {} {}",
        variant(&report.verdict),
        report.verdict.describe()
    );
}

#[test]
fn a_missing_or_full_tmpdir_is_not_blamed_on_the_learner() {
    let binary = build_hostile("exit");
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "run_with_this_tmpdir",
            "--exact",
            "--ignored",
            "--nocapture",
        ])
        .env("HOSTILE_BINARY", &binary)
        .env("TMPDIR", "/nonexistent-asyncscope-tmp")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&out.stdout);
    let line = out
        .lines()
        .find(|l| l.starts_with("VERDICT "))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        line.starts_with("VERDICT NotRun could not be run: "),
        "{line}"
    );
    assert!(
        line.contains("/nonexistent-asyncscope-tmp")
            && line.contains("not your code"),
        "{line}"
    );
    assert!(!line.contains("process::exit"), "{line}");
}

#[test]
fn escapes_in_compile_errors_are_shown_not_sent() {
    let dir = std::env::temp_dir()
        .join(format!("asyncscope-compile-escapes-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"escapes\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[workspace]\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("src/main.rs"),
        "compile_error!(\"\\x1b]0;pwned\\x07\\x1b[2Jcleared\");\nfn main() {}\n",
    )
    .unwrap();
    for color in [false, true] {
        let built = runner::build_limited(
            &dir,
            "escapes",
            "escapes",
            color,
            Duration::from_secs(120),
            runner::Watchers::none(),
        );
        let Err(runner::BuildFailed::Compile(text)) = &built else {
            panic!("{built:?}");
        };
        assert!(
            text.contains("\\x1b]0;pwned\\x07\\x1b[2Jcleared"),
            "{text}"
        );
        // Only cargo's colours are left as sequences, when asked for.
        let mut rest = text.as_str();
        while let Some(at) = rest.find('\x1b') {
            assert!(color, "an escape without colour: {text:?}");
            let seq = &rest[at..];
            let end = seq.find('m').expect("a colour sequence ends in m");
            assert!(
                seq[2..end].chars().all(|c| c.is_ascii_digit() || c == ';')
                    && seq.starts_with("\x1b["),
                "not a colour: {:?}",
                &seq[..end + 1]
            );
            rest = &seq[end + 1..];
        }
        assert!(!text.contains('\x07'), "{text:?}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The processes whose working folder is in `dir`.
fn processes_in(dir: &Path) -> Vec<String> {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| {
            std::fs::read_link(e.path().join("cwd"))
                .is_ok_and(|c| c.starts_with(dir))
        })
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn names_in_a_handed_back_run_are_shown_not_sent() {
    let report = run_hostile("forged_names");
    let Verdict::Finished(trace) = &report.verdict else {
        panic!("{:?}", report.verdict);
    };
    assert_eq!(trace.strings, ["\\x1b]0;pwned\\x07\\x1b[2J"]);
    assert_eq!(trace.values["order"], serde_json::json!(["\\x1b[31mred"]));
}

#[test]
fn the_program_has_no_network() {
    let report = run_hostile("network");
    assert!(
        matches!(report.verdict, Verdict::Exited(10)),
        "{:?}",
        report.verdict
    );
    if report.containment == Some(Containment::PidNamespace) {
        // Its own network namespace: the loopback interface is down, nothing goes out.
        assert!(
            !report.stdout.contains("loopback: ok"),
            "{}",
            report.stdout
        );
        assert!(
            !report.stdout.contains("connect: ok"),
            "{}",
            report.stdout
        );
    }
}
