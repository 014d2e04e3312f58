//! `asyncscope watch` as a learner meets it, in the real workspace: in a terminal (tmux) with
//! single keys and the file watcher, and with keys as lines on standard input.
//!
//! The tests edit `exercises/fetch_all.rs` and move the progress on; a guard puts both back
//! byte for byte (and removes the backups a reset made), even when a test fails.

use asyncscope::exercise::info::{self, ExerciseInfo};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tmux::Tmux;

mod tmux;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The tests share the learner's file and the progress file: one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

/// Long enough for a first build of an exercise on a slow machine.
const PATIENCE: Duration = Duration::from_secs(240);

fn infos() -> Vec<ExerciseInfo> {
    info::load(&root().join("exercises/info.toml"))
        .expect("info.toml loads")
}

fn exercise_file() -> PathBuf {
    root().join("exercises/fetch_all.rs")
}

fn progress_file() -> PathBuf {
    root().join("exercises/.progress.json")
}

fn backups_dir() -> PathBuf {
    root().join("exercises/.backups")
}

fn listing(dir: &Path) -> Option<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir).ok()?;
    Some(entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
}

/// Puts the learner's file, the progress file and the backups folder back as they were.
struct Restore {
    exercise: Vec<u8>,
    progress: Option<Vec<u8>>,
    backups: Option<Vec<PathBuf>>,
}

impl Restore {
    /// Remember the files, then start from the pristine starter with `fetch_all` as the
    /// current exercise.
    fn start_at_fetch_all() -> Restore {
        let guard = Restore {
            exercise: std::fs::read(exercise_file()).expect("fetch_all.rs"),
            progress: std::fs::read(progress_file()).ok(),
            backups: listing(&backups_dir()),
        };
        std::fs::copy(
            root().join("solutions/starters/fetch_all.rs"),
            exercise_file(),
        )
        .unwrap();
        let mut progress: serde_json::Value = guard
            .progress
            .as_deref()
            .and_then(|p| serde_json::from_slice(p).ok())
            .unwrap_or_else(|| serde_json::json!({"passed": {}}));
        progress["current"] = "fetch_all".into();
        std::fs::write(
            progress_file(),
            serde_json::to_string_pretty(&progress).unwrap(),
        )
        .unwrap();
        guard
    }
}

impl Drop for Restore {
    fn drop(&mut self) {
        if std::fs::read(exercise_file()).ok().as_ref()
            != Some(&self.exercise)
        {
            std::fs::write(exercise_file(), &self.exercise)
                .expect("put fetch_all.rs back");
        }
        match &self.progress {
            Some(p) => std::fs::write(progress_file(), p).unwrap(),
            None => {
                let _ = std::fs::remove_file(progress_file());
            }
        }
        let before = self.backups.clone();
        for path in listing(&backups_dir()).unwrap_or_default() {
            if !before.as_ref().is_some_and(|b| b.contains(&path)) {
                let _ = std::fs::remove_file(path);
            }
        }
        if before.is_none() {
            let _ = std::fs::remove_dir(backups_dir());
        }
    }
}

/// The exercise after `fetch_all` in `info.toml`.
fn next_after_fetch_all() -> String {
    let infos = infos();
    let i = infos.iter().position(|i| i.name == "fetch_all").unwrap();
    infos[i + 1].name.clone()
}

fn wait_for(
    what: &str,
    mut screen: impl FnMut() -> String,
    done: impl Fn(&str) -> bool,
) -> String {
    let start = Instant::now();
    loop {
        let now = screen();
        if done(&now) {
            return now;
        }
        if start.elapsed() > PATIENCE {
            panic!("waited {PATIENCE:?} for {what}; the screen:\n{now}");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn trimmed(screen: &str) -> String {
    let lines: Vec<&str> = screen.lines().map(str::trim_end).collect();
    let end = lines
        .iter()
        .rposition(|l| !l.is_empty())
        .map_or(0, |i| i + 1);
    lines[..end].join("\n")
}

#[test]
fn in_a_terminal_a_save_is_checked_n_moves_on_and_watch_resumes_there() {
    Tmux::require();
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let _restore = Restore::start_at_fetch_all();
    let next = next_after_fetch_all();
    let dir = std::env::temp_dir()
        .join(format!("asyncscope-watch-tty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let stty = dir.join("stty-after.txt");
    let bin = env!("CARGO_BIN_EXE_asyncscope");
    // After watch ends, the shell records the terminal's settings (raw mode must be gone).
    let run = |session: &str| {
        Tmux::start(
            session,
            root(),
            100,
            50,
            &format!(
                "{bin} watch; stty -a > {}; echo WATCH-EXITED",
                stty.display()
            ),
        )
    };

    let tmux = run("first");
    let screen = tmux.wait_until("the starter's check", PATIENCE, |s| {
        s.contains("fetch_all — ✗ not yet") && s.contains("q quit")
    });
    assert!(
        screen.starts_with("fetch_all · exercise 1 of"),
        "the screen is cleared before the result:\n{screen}"
    );
    assert!(screen.contains("press h for a hint"), "{screen}");

    // The learner saves the solution in their editor.
    std::fs::copy(root().join("solutions/fetch_all.rs"), exercise_file())
        .unwrap();
    let screen =
        tmux.wait_until("the saved solution to pass", PATIENCE, |s| {
            s.contains("fetch_all — ✓ passed") && s.contains("q quit")
        });
    assert!(screen.contains("press n for the next exercise"), "{screen}");
    eprintln!("── after saving the solution ──\n{}\n", trimmed(&screen));

    tmux.keys(&["n"]);
    let header = format!("{next} · exercise 2 of");
    let screen =
        tmux.wait_until("the next exercise's check", PATIENCE, |s| {
            s.starts_with(&header) && s.contains(&format!("{next} — "))
        });
    eprintln!("── after n ──\n{}\n", trimmed(&screen));

    tmux.keys(&["q"]);
    let screen = tmux.wait_until("watch to quit", PATIENCE, |s| {
        s.contains("WATCH-EXITED")
    });
    assert!(
        screen.contains(&format!(
            "see you: `asyncscope watch` brings you back to {next}"
        )),
        "{screen}"
    );
    let settings = std::fs::read_to_string(&stty).unwrap();
    for on in ["icanon", "echo", "isig", "icrnl", "opost"] {
        assert!(
            settings.split_whitespace().any(|w| w == on),
            "the terminal is left without {on}: {settings}"
        );
    }
    let progress: serde_json::Value =
        serde_json::from_slice(&std::fs::read(progress_file()).unwrap())
            .unwrap();
    assert_eq!(progress["current"], next.as_str());
    assert_eq!(progress["passed"]["fetch_all"], true);

    // Coming back: watch starts where the learner left.
    drop(tmux);
    let tmux = run("second");
    let screen =
        tmux.wait_until("the second watch to resume", PATIENCE, |s| {
            s.contains("q quit") && s.contains(&format!("{next} — "))
        });
    assert!(screen.starts_with(&header), "{screen}");
    tmux.keys(&["q"]);
    tmux.wait_until("the second watch to quit", PATIENCE, |s| {
        s.contains("WATCH-EXITED")
    });
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_terminal_that_hangs_up_ends_watch() {
    Tmux::require();
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let _restore = Restore::start_at_fetch_all();
    let tmux = Tmux::start(
        "hup",
        root(),
        100,
        50,
        &format!("exec {} watch", env!("CARGO_BIN_EXE_asyncscope")),
    );
    tmux.wait_until("the starter's check", PATIENCE, |s| {
        s.contains("fetch_all — ✗ not yet") && s.contains("q quit")
    });
    let pid = tmux.pane_pid();
    // The window closes: the terminal hangs up under watch.
    tmux.hang_up();
    let start = Instant::now();
    while tmux::running(pid) {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "watch is still running after its terminal went away"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// `asyncscope watch` with its standard input and output as pipes; what it printed so far.
struct Piped {
    child: std::process::Child,
    stdin: Option<std::process::ChildStdin>,
    output: Arc<Mutex<String>>,
}

impl Piped {
    fn start(args: &[&str], editor: Option<&Path>) -> Piped {
        let mut command = Command::new(env!("CARGO_BIN_EXE_asyncscope"));
        command
            .arg("watch")
            .args(args)
            .current_dir(root())
            .env_remove("VISUAL")
            .env_remove("EDITOR")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        if let Some(e) = editor {
            command.env("EDITOR", e);
        }
        let mut child = command.spawn().expect("asyncscope starts");
        let stdin = child.stdin.take();
        let mut stdout = child.stdout.take().unwrap();
        let output = Arc::new(Mutex::new(String::new()));
        let sink = output.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Piped {
            child,
            stdin,
            output,
        }
    }

    fn output(&self) -> String {
        self.output.lock().unwrap().clone()
    }

    fn key(&mut self, key: &str) {
        let stdin = self.stdin.as_mut().expect("input still open");
        writeln!(stdin, "{key}").unwrap();
        stdin.flush().unwrap();
    }

    /// Wait until `phrase` has appeared `times` times in all.
    fn wait_for(&self, phrase: &str, times: usize) -> String {
        wait_for(
            &format!("`{phrase}` ×{times}"),
            || self.output(),
            |s| s.matches(phrase).count() >= times,
        )
    }
}

impl Drop for Piped {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn keys_as_lines_hints_list_edit_reset_and_quit() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let _restore = Restore::start_at_fetch_all();
    let dir = std::env::temp_dir()
        .join(format!("asyncscope-watch-lines-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // An "editor" that writes the solution into the file it is given.
    let editor = dir.join("fake-editor");
    std::fs::write(
        &editor,
        format!(
            "#!/bin/sh\ncp '{}' \"$1\"\n",
            root().join("solutions/fetch_all.rs").display()
        ),
    )
    .unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            &editor,
            std::fs::Permissions::from_mode(0o755),
        )
        .unwrap();
    }
    let mut watch = Piped::start(&[], Some(&editor));
    watch.wait_for("fetch_all — ✗ not yet", 1);

    let hints = infos()
        .into_iter()
        .find(|i| i.name == "fetch_all")
        .unwrap()
        .hints
        .len();
    watch.key("h");
    watch.wait_for(&format!("hint 1 of {hints}: "), 1);
    for _ in 0..hints {
        watch.key("h");
    }
    let out = watch.wait_for("(that was the last hint)", 1);
    let last = format!("hint {hints} of {hints}: ");
    assert_eq!(out.matches(&last).count(), 2, "{out}");

    watch.key("l");
    watch.wait_for("→ ✗ fetch_all", 1);

    watch.key("e");
    watch.wait_for("fetch_all — ✓ passed", 1);

    watch.key("x");
    watch.wait_for("press y to reset", 1);
    watch.key("no");
    watch.wait_for("kept your version", 1);
    watch.key("x");
    watch.wait_for("press y to reset", 2);
    watch.key("y");
    let out = watch.wait_for("fetch_all — ✗ not yet", 2);
    let words = out.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains(
            "fetch_all.rs is back as it started; your version is in \
             exercises/.backups/fetch_all-"
        ),
        "{out}"
    );
    assert_eq!(
        std::fs::read(exercise_file()).unwrap(),
        std::fs::read(root().join("solutions/starters/fetch_all.rs"))
            .unwrap()
    );

    watch.key("q");
    let status = watch.child.wait().unwrap();
    assert!(status.success(), "{status}");
    let out = watch.output();
    assert!(out.contains("see you"), "{out}");
    // Not a terminal: no screen clearing, no raw-mode line ends.
    assert!(!out.contains('\x1b') && !out.contains('\r'), "{out:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn manual_run_checks_only_on_r() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let _restore = Restore::start_at_fetch_all();
    let mut watch = Piped::start(&["--manual-run"], None);
    let out = watch.wait_for("fetch_all — ✗ not yet", 1);
    assert!(
        out.contains("not watching your files (--manual-run)"),
        "{out}"
    );
    std::fs::copy(root().join("solutions/fetch_all.rs"), exercise_file())
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    assert!(!watch.output().contains("✓ passed"));
    watch.key("r");
    watch.wait_for("fetch_all — ✓ passed", 1);
    watch.stdin = None;
    // The end of the input quits.
    let status = watch.child.wait().unwrap();
    assert!(status.success());
}

/// Ctrl-C, and SIGTERM, SIGINT or SIGHUP sent from outside: watch says goodbye, keeps the
/// learner's place and leaves the terminal as it found it (line editing and echo back).
#[test]
fn ctrl_c_and_signals_leave_the_terminal_as_it_was() {
    Tmux::require();
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let _restore = Restore::start_at_fetch_all();
    let bin = env!("CARGO_BIN_EXE_asyncscope");
    for way in ["C-c", "TERM", "INT", "HUP"] {
        let tmux = Tmux::start(
            "signals",
            root(),
            100,
            50,
            &format!(
                "{bin} watch; echo EXIT-$?; echo STTY $(stty -a | tr ' ;' '\\n\\n' \
                 | grep -E '^-?(icanon|echo|isig|icrnl)$')"
            ),
        );
        tmux.wait_until("the starter's check", PATIENCE, |s| {
            s.contains("fetch_all — ✗ not yet") && s.contains("q quit")
        });
        if way == "C-c" {
            tmux.keys(&["C-c"]);
        } else {
            let watch = tmux::children(tmux.pane_pid());
            assert_eq!(watch.len(), 1, "watch under the shell: {watch:?}");
            let status = Command::new("kill")
                .args([&format!("-{way}"), &watch[0].to_string()])
                .status()
                .unwrap();
            assert!(status.success());
        }
        let screen = tmux.wait_for("\nSTTY ", PATIENCE);
        assert!(screen.contains("EXIT-0"), "{way}: {screen}");
        assert!(
            screen.contains("brings you back to fetch_all"),
            "{way}: {screen}"
        );
        let stty = screen.lines().find(|l| l.starts_with("STTY ")).unwrap();
        let flags: Vec<&str> = stty.split_whitespace().collect();
        for on in ["icanon", "echo", "isig", "icrnl"] {
            assert!(
                flags.contains(&on),
                "{way}: {on} not restored: {stty}"
            );
        }
    }
}
