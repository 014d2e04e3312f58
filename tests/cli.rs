//! The `asyncscope` binary, run for real: list, run in every format, errors, save and load.
//! Runs use `--virtual-time`, so they finish at once and their runtime-clock figures are exact.

use serde_json::Value;

mod binary;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

fn asyncscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_asyncscope"))
        .args(args)
        .env_remove("TOKIO_CONSOLE_BIND")
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 stdout")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A fresh path in the temp dir, removed when dropped.
struct TempPath(PathBuf);

impl TempPath {
    fn new(name: &str) -> TempPath {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        TempPath(std::env::temp_dir().join(format!(
            "asyncscope-cli-{}-{n}-{name}",
            std::process::id()
        )))
    }

    fn arg(&self) -> &str {
        self.0.to_str().expect("a UTF-8 temp path")
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn no_subcommand_welcomes_a_newcomer() {
    let o = asyncscope(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.lines().count() < 24, "{out}");
    assert!(out.contains("try: asyncscope run breakfast"));
    for id in ["breakfast", "cancel-at", "blocking-heartbeat"] {
        assert!(out.contains(id), "{id} missing:\n{out}");
    }
}

#[test]
fn list_shows_scenarios_and_knobs() {
    let o = asyncscope(&["list"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    for needle in [
        "breakfast",
        "cancel-at",
        "blocking-heartbeat",
        "Breakfast: waiting one after another or together",
        "mode=together",
        "together | sequential",
        "how long the coffee brews",
        "job_ms=200",
    ] {
        assert!(out.contains(needle), "{needle} missing:\n{out}");
    }
}

#[test]
fn run_prints_json() {
    let o = asyncscope(&[
        "run",
        "breakfast",
        "--virtual-time",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc: Value =
        serde_json::from_str(&stdout(&o)).expect("JSON on stdout");
    assert_eq!(doc["scenario"], "breakfast");
    assert_eq!(doc["clock"], "virtual");
    assert!((doc["duration"].as_f64().unwrap() - 3.0).abs() < 0.01);
    // A virtual-time run does not announce itself on stderr.
    assert!(!stderr(&o).contains("real clock"), "{}", stderr(&o));
}

#[test]
fn run_prints_text_at_the_asked_width() {
    let o = asyncscope(&[
        "run",
        "breakfast",
        "--virtual-time",
        "--set",
        "mode=sequential",
        "--width",
        "60",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.lines().all(|l| l.chars().count() <= 60), "{out}");
    assert!(
        out.contains("mode=sequential") && out.contains("total 5.00u"),
        "{out}"
    );
    // Not a terminal, no --width: 80 columns.
    let o = asyncscope(&["run", "cancel-at", "--virtual-time"]);
    let out = stdout(&o);
    assert!(out.lines().all(|l| l.chars().count() <= 80), "{out}");
    assert!(out.contains("cancelled 2.60u"));
}

#[test]
fn run_writes_chrome_trace_to_a_file() {
    let file = TempPath::new("cancel-at.json");
    let o = asyncscope(&[
        "run",
        "cancel-at",
        "--virtual-time",
        "--format",
        "chrome",
        "--out",
        file.arg(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).is_empty(), "the export went to the file");
    let doc: Value = serde_json::from_str(
        &std::fs::read_to_string(&file.0).expect("the file was written"),
    )
    .expect("the file parses");
    let events = doc["traceEvents"].as_array().unwrap();
    assert!(events.iter().any(|e| e["ph"] == "X"));
    assert!(events.iter().any(|e| e["ph"] == "b" && e["name"] == "A"));
}

#[test]
fn unknown_scenario_is_a_usage_error() {
    let o = asyncscope(&["run", "nosuch"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("nosuch"), "{err}");
    for id in ["breakfast", "cancel-at", "blocking-heartbeat"] {
        assert!(err.contains(id), "the message should list {id}: {err}");
    }
    assert!(
        !err.contains("panicked") && !err.contains("backtrace"),
        "{err}"
    );
    assert!(!err.contains("running nosuch"), "{err}");
}

#[test]
fn bad_knob_value_is_a_usage_error() {
    let o = asyncscope(&["run", "breakfast", "--set", "mode=sideways"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("sideways")
            && err.contains("together")
            && err.contains("sequential"),
        "{err}"
    );
    assert!(
        !err.contains("panicked") && !err.contains("backtrace"),
        "{err}"
    );
    // Refused before anything ran.
    assert!(!err.contains("real clock"), "{err}");

    let o = asyncscope(&["run", "breakfast", "--set", "sugar=2"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("mode, coffee, toast"), "{}", stderr(&o));
}

fn summary(doc: &Value) -> (f64, Vec<(String, String, Option<f64>)>) {
    let tasks = doc["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap().to_string(),
                t["outcome"].as_str().unwrap().to_string(),
                t["ended"].as_f64(),
            )
        })
        .collect();
    (doc["duration"].as_f64().unwrap(), tasks)
}

#[test]
fn a_saved_trace_loads_back_to_the_same_run() {
    let trace = TempPath::new("breakfast.jsonl");
    let o = asyncscope(&[
        "run",
        "breakfast",
        "--virtual-time",
        "--format",
        "json",
        "--save-trace",
        trace.arg(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let ran: Value = serde_json::from_str(&stdout(&o)).unwrap();

    let o = asyncscope(&["run", "--load", trace.arg(), "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let loaded: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(summary(&ran), summary(&loaded));
    assert_eq!(ran, loaded, "the whole export is the same");

    let o = asyncscope(&["run", "--load", trace.arg()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("completed 3.00u"));
}

#[test]
fn a_damaged_trace_shows_what_was_read_and_exits_1() {
    let trace = TempPath::new("cut.jsonl");
    let o = asyncscope(&[
        "run",
        "cancel-at",
        "--virtual-time",
        "--save-trace",
        trace.arg(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&trace.0).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let keep = lines.len() * 2 / 3;
    let damaged =
        format!("{}\n{{\"t\":\"ev\",\"k\":\n", lines[..keep].join("\n"));
    std::fs::write(&trace.0, damaged).unwrap();

    let o = asyncscope(&["run", "--load", trace.arg()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains(&format!("line {}", keep + 1)), "{err}");
    assert!(stdout(&o).starts_with("cancel-at — "), "{}", stdout(&o));

    let missing = TempPath::new("missing.jsonl");
    let o = asyncscope(&["run", "--load", missing.arg()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("missing.jsonl"));
}

#[test]
fn a_real_clock_run_says_so_first() {
    // 1u = 10 ms: breakfast takes a few tens of ms on the real clock.
    let o = asyncscope(&[
        "run",
        "breakfast",
        "--unit-ms",
        "10",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o)
            .contains("running breakfast on the real clock (1u = 10 ms)"),
        "{}",
        stderr(&o)
    );
    let doc: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(doc["clock"], "real");
    assert_eq!(doc["unit_ms"], 10.0);
}

fn asyncscope_with_input(args: &[&str], input: &str) -> Output {
    binary::run_with_input(args, input)
}

#[test]
fn lessons_are_listed_in_order() {
    let o = asyncscope_with_input(&["lessons"], "");
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.lines().next().unwrap().contains("01"), "{out}");
    assert!(out.contains("Sync vs async"));
}

#[test]
fn a_lesson_reads_in_80_columns_and_shows_its_runs() {
    let o = asyncscope_with_input(&["lesson", "01", "--width", "80"], "");
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    for line in out.lines() {
        assert!(line.chars().count() <= 80, "too wide: {line}");
    }
    assert!(
        out.contains("── tokio (Rust) ──")
            && out.contains("── asyncio (Python) ──")
    );
    assert!(out.contains("run 1: breakfast (one after another)"));
    assert!(
        out.contains("total 5.00u") && out.contains("total 3.00u"),
        "{out}"
    );
    // Without --quiz the answers are shown after the runs.
    assert!(out.contains("→ the answer: 3u"), "{out}");
}

#[test]
fn the_quiz_grades_predictions_against_the_real_run() {
    // Lesson 01: breakfast together takes 3u (right), toast first is choice 2 (we say 1: wrong),
    // the fetch order is choice 2 (right).
    let o = asyncscope_with_input(
        &["lesson", "01", "--quiz", "--width", "80"],
        "3\n1\n2\n",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("Before the run: predict."));
    assert!(out.contains("✓ right (you: 3): 3u"), "{out}");
    // A choice is shown with its number, what was picked and what was right.
    assert!(
        out.contains("✗ not quite (you: 1) coffee): 2) toast"),
        "{out}"
    );
    assert!(out.contains("2 of 3 right."), "{out}");
}

#[test]
fn the_quiz_asks_again_until_it_gets_an_answer() {
    // Q2 has numbered choices: 9 and "banana" are not answers, so Q2 is asked again.
    let o = asyncscope_with_input(
        &["lesson", "01", "--quiz", "--width", "80"],
        "3\n9\nbanana\n2\n2\n",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert_eq!(out.matches("type a number from 1 to").count(), 2, "{out}");
    assert!(out.contains("3 of 3 right."), "{out}");
    // Input ends after Q1: the rest are shown unanswered, not taken as wrong guesses.
    let o = asyncscope_with_input(
        &["lesson", "01", "--quiz", "--width", "80"],
        "3\n",
    );
    let out = stdout(&o);
    assert!(out.contains("no more input"), "{out}");
    assert!(out.contains("→ the answer: 2) toast"), "{out}");
    assert!(out.contains("1 of 3 right."), "{out}");
}

#[test]
fn an_unknown_lesson_lists_the_lessons() {
    let o = asyncscope_with_input(&["lesson", "77"], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("01"), "{}", stderr(&o));
}

/// `asyncscope hint NAME` shows the next hint each time, as its help says; `--all` lists
/// them, `--reset` starts again. Run in a copy of the exercises folder, so the learner's
/// progress file is not touched.
#[test]
fn hint_shows_the_next_hint_each_time() {
    let dir = std::env::temp_dir()
        .join(format!("asyncscope-hint-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    asyncscope::exercise::learner_crate::init(
        &dir.join("learn"),
        &asyncscope::exercise::learner_crate::KitSource::Version(
            "0.1.0".into(),
        ),
    )
    .unwrap();
    let (outer, dir) = (dir.clone(), dir.join("learn"));
    let hint = |extra: &[&str]| {
        let mut args = vec!["hint", "fetch_all"];
        args.extend(extra);
        let o = Command::new(env!("CARGO_BIN_EXE_asyncscope"))
            .args(&args)
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).unwrap()
    };
    let total = asyncscope::exercise::info::builtin()
        .into_iter()
        .find(|i| i.name == "fetch_all")
        .unwrap()
        .hints
        .len();
    assert!(total >= 3);
    for n in 1..=total {
        let out = hint(&[]);
        assert!(out.contains(&format!("hint {n} of {total}:")), "{out}");
        assert_eq!(
            out.matches("hint ").count()
                - out.matches("run it again for hint").count(),
            1,
            "{out}"
        );
    }
    assert!(hint(&[]).contains("that is the last hint"));
    let all = hint(&["--all"]);
    assert!(
        (1..=total).all(|n| all.contains(&format!("hint {n} of {total}:")))
    );
    hint(&["--reset"]);
    assert!(hint(&[]).contains(&format!("hint 1 of {total}:")));
    std::fs::remove_dir_all(&outer).unwrap();
}

/// `completions SHELL` prints a script that completes the real subcommands, for each shell.
#[test]
fn completions_are_printed_for_each_shell() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef asyncscope"),
        ("fish", "complete -c asyncscope"),
    ] {
        let o = asyncscope(&["completions", shell]);
        assert!(o.status.success(), "{shell}: {}", stderr(&o));
        let script = stdout(&o);
        assert!(script.contains(marker), "{shell}: {script}");
        for command in ["check", "watch", "lesson", "completions"] {
            assert!(script.contains(command), "{shell} lacks {command}");
        }
    }
    let o = asyncscope(&["completions", "tcsh"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("possible values"), "{}", stderr(&o));
}

fn asyncscope_console_at(address: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_asyncscope"))
        .args(args)
        .env("TOKIO_CONSOLE_BIND", address)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("the binary runs")
}

/// `--console`: refused on the virtual clock and on a busy port, each with its sentence; on a
/// free port the run's trace holds the scenario's tasks only, none of console-subscriber's.
#[test]
fn console_runs_refuse_what_cannot_work_and_record_only_the_scenario() {
    let o =
        asyncscope(&["run", "breakfast", "--console", "--virtual-time"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--console needs the real clock"),
        "{}",
        stderr(&o)
    );

    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = busy.local_addr().unwrap().to_string();
    let o = asyncscope_console_at(
        &address,
        &["run", "breakfast", "--console", "--unit-ms", "5"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!("{address} cannot be used")),
        "{}",
        stderr(&o)
    );
    drop(busy);

    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = free.local_addr().unwrap().to_string();
    drop(free);
    let trace = TempPath::new("console.trace");
    let o = asyncscope_console_at(
        &address,
        &[
            "run",
            "breakfast",
            "--console",
            "--unit-ms",
            "5",
            "--save-trace",
            trace.arg(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains(&format!(
        "tokio-console can attach: tokio-console http://{address}"
    )));
    let text = std::fs::read_to_string(trace.arg()).unwrap();
    let tasks: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|v| v["t"] == "task")
        .collect();
    let names: Vec<&str> =
        tasks.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        ["", "coffee", "toast"],
        "the root, coffee and toast only"
    );
}
