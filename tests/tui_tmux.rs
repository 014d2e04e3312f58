//! The real binary in a real terminal (tmux): open lesson 1, run it, pause, step back, open
//! the inspector, quit — and the terminal is restored, after a forced panic too. Skipped (with
//! a note) when tmux is not installed.

use std::process::Command;
use std::time::{Duration, Instant};

struct Tmux {
    name: String,
}

impl Tmux {
    fn start(name: &str) -> Option<Tmux> {
        if Command::new("tmux").arg("-V").output().is_err() {
            return None;
        }
        let name = format!("{name}-{}", std::process::id());
        let ok = Command::new("tmux")
            .args([
                "new-session",
                "-d",
                "-s",
                &name,
                "-x",
                "100",
                "-y",
                "30",
            ])
            .args(["env", "PS1=E2E$ ", "TERM=xterm-256color", "sh"])
            .status()
            .expect("tmux runs")
            .success();
        assert!(ok, "tmux could not start a session");
        Some(Tmux { name })
    }

    fn keys(&self, keys: &[&str]) {
        let ok = Command::new("tmux")
            .args(["send-keys", "-t", &self.name])
            .args(keys)
            .status()
            .unwrap()
            .success();
        assert!(ok);
    }

    fn type_line(&self, line: &str) {
        self.keys(&["-l", line]);
        self.keys(&["Enter"]);
    }

    fn capture(&self) -> String {
        let out = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.name])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn alternate_on(&self) -> bool {
        let out = Command::new("tmux")
            .args([
                "display-message",
                "-p",
                "-t",
                &self.name,
                "#{alternate_on}",
            ])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim() == "1"
    }

    fn wait_for(&self, what: &str, secs: u64) -> String {
        let until = Instant::now() + Duration::from_secs(secs);
        loop {
            let screen = self.capture();
            if screen.contains(what) {
                return screen;
            }
            if Instant::now() > until {
                panic!(
                    "waited {secs}s for {what:?}; the screen:\n{screen}"
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.name])
            .status();
    }
}

fn command(extra_env: &str) -> String {
    let progress = std::env::temp_dir()
        .join(format!("asyncscope-e2e-{}.json", std::process::id()));
    format!(
        "{extra_env} ASYNCSCOPE_LESSON_PROGRESS={} {}; echo EXIT-$?; echo STTY $(stty -a | tr ' ;' '\\n\\n' | grep -E '^-?(icanon|echo|icrnl)$')",
        progress.display(),
        env!("CARGO_BIN_EXE_asyncscope")
    )
}

/// stty's view of the terminal after the TUI left: line editing and echo are back.
fn assert_sane(screen: &str) {
    let stty = screen
        .lines()
        .find(|l| l.starts_with("STTY "))
        .unwrap_or_else(|| panic!("no stty line:\n{screen}"));
    let flags: Vec<&str> = stty.split_whitespace().skip(1).collect();
    for flag in ["icanon", "echo", "icrnl"] {
        assert!(flags.contains(&flag), "{flag} not restored: {stty}");
    }
}

#[test]
fn lesson_one_run_pause_step_back_inspect_quit() {
    let Some(t) = Tmux::start("asyncscope-e2e") else {
        eprintln!(
            "tmux is not installed: skipping the end-to-end TUI test"
        );
        return;
    };
    t.wait_for("E2E$", 10);
    t.type_line(&command(""));
    t.wait_for("exercises", 20);
    assert!(t.alternate_on(), "the TUI uses the alternate screen");
    t.keys(&["Enter"]); // lesson 01
    t.wait_for("Lesson 01", 5);
    t.keys(&["Enter"]); // run 1: breakfast, one after another, real clock (5u = 5 s)
    t.wait_for("● live", 10);
    std::thread::sleep(Duration::from_millis(1500));
    t.keys(&["Space"]);
    let paused = t.wait_for("⏸ paused", 5);
    let event_of = |s: &str| -> usize {
        let i = s.find("event ").expect("an event counter");
        s[i + 6..]
            .split('/')
            .next()
            .unwrap()
            .trim()
            .parse()
            .unwrap()
    };
    let before = event_of(&paused);
    t.keys(&["Left"]);
    std::thread::sleep(Duration::from_millis(300));
    let after = event_of(&t.capture());
    assert!(after < before, "step back: {before} → {after}");
    t.keys(&["Down", "t"]);
    let inspected = t.wait_for("inspector", 5);
    assert!(
        inspected.contains("spawned") && inspected.contains("polls"),
        "{inspected}"
    );
    t.keys(&["q"]);
    t.wait_for("EXIT-0", 15);
    let after = t.wait_for("\nSTTY ", 5);
    assert!(!t.alternate_on(), "still on the alternate screen:\n{after}");
    assert_sane(&after);
    assert!(after.contains("E2E$"), "no prompt after quitting:\n{after}");
}

#[test]
fn terminal_is_restored_after_a_panic() {
    let Some(t) = Tmux::start("asyncscope-e2e-panic") else {
        eprintln!(
            "tmux is not installed: skipping the end-to-end panic test"
        );
        return;
    };
    t.wait_for("E2E$", 10);
    t.type_line(&command("ASYNCSCOPE_TUI_PANIC=1 RUST_BACKTRACE=0"));
    t.wait_for("exercises", 20);
    t.keys(&["!"]);
    t.wait_for("EXIT-101", 15);
    let after = t.wait_for("\nSTTY ", 5);
    assert!(
        !after.contains("EXIT-0"),
        "a panic exits with an error:\n{after}"
    );
    assert!(after.contains("panic"), "the panic is reported:\n{after}");
    assert!(!t.alternate_on(), "still on the alternate screen:\n{after}");
    assert_sane(&after);
}
