//! The real binary in a real terminal (tmux): open lesson 1, run it, pause, step back, open
//! the inspector, quit — and the terminal is restored, after a forced panic too. Fails when
//! tmux is not installed.

use std::path::Path;
use std::time::Duration;
use tmux::Tmux;

mod tmux;

const SECOND: Duration = Duration::from_secs(1);

/// A shell in a 100×30 terminal with a prompt the test can wait for.
fn shell(label: &str) -> Option<Tmux> {
    Tmux::require();
    let t = Tmux::start(
        label,
        Path::new(env!("CARGO_MANIFEST_DIR")),
        100,
        30,
        "exec env 'PS1=E2E$ ' TERM=xterm-256color sh",
    );
    t.wait_for("E2E$", 10 * SECOND);
    Some(t)
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
    let Some(t) = shell("e2e") else { return };
    t.type_line(&command(""));
    t.wait_for("exercises", 20 * SECOND);
    assert!(t.alternate_on(), "the TUI uses the alternate screen");
    t.keys(&["Enter"]); // lesson 01
    t.wait_for("Lesson 01", 5 * SECOND);
    t.keys(&["Enter"]); // run 1: breakfast, one after another, played at 1u = 1 s (5 s)
    t.wait_for("▶ playing", 10 * SECOND);
    std::thread::sleep(Duration::from_millis(1500));
    t.keys(&["Space"]);
    let paused = t.wait_for("⏸ paused", 5 * SECOND);
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
    let after = event_of(&t.screen());
    assert!(after < before, "step back: {before} → {after}");
    t.keys(&["Down", "t"]);
    let inspected = t.wait_for("inspector", 5 * SECOND);
    assert!(
        inspected.contains("spawned") && inspected.contains("polls"),
        "{inspected}"
    );
    t.keys(&["q"]);
    t.wait_for("EXIT-0", 15 * SECOND);
    let after = t.wait_for("\nSTTY ", 5 * SECOND);
    assert!(!t.alternate_on(), "still on the alternate screen:\n{after}");
    assert_sane(&after);
    assert!(after.contains("E2E$"), "no prompt after quitting:\n{after}");
}

#[test]
fn terminal_is_restored_after_a_panic() {
    let Some(t) = shell("e2e-panic") else { return };
    t.type_line(&command("ASYNCSCOPE_TUI_PANIC=1 RUST_BACKTRACE=0"));
    t.wait_for("exercises", 20 * SECOND);
    t.keys(&["!"]);
    t.wait_for("EXIT-101", 15 * SECOND);
    let after = t.wait_for("\nSTTY ", 5 * SECOND);
    assert!(
        !after.contains("EXIT-0"),
        "a panic exits with an error:\n{after}"
    );
    assert!(after.contains("panic"), "the panic is reported:\n{after}");
    assert!(!t.alternate_on(), "still on the alternate screen:\n{after}");
    assert_sane(&after);
}

/// Open lesson 1 and start its run, so a signal arrives while a run plays; the TUI's pid.
fn start_a_live_run(t: &Tmux) -> u32 {
    t.type_line(&command(""));
    t.wait_for("exercises", 20 * SECOND);
    t.keys(&["Enter"]);
    t.wait_for("Lesson 01", 5 * SECOND);
    t.keys(&["Enter"]);
    t.wait_for("▶ playing", 10 * SECOND);
    let tui = tmux::children(t.pane_pid());
    assert_eq!(tui.len(), 1, "one program under the shell: {tui:?}");
    tui[0]
}

/// `kill -SIG` on the TUI mid-run: it restores the terminal and exits with 128 + SIG.
fn signal_restores_the_terminal(label: &str, signal: libc::c_int) {
    let Some(t) = shell(label) else { return };
    let pid = start_a_live_run(&t);
    // SAFETY: kill has no memory effects; pid is the TUI this test started.
    assert_eq!(unsafe { libc::kill(pid as libc::pid_t, signal) }, 0);
    t.wait_for(&format!("EXIT-{}", 128 + signal), 15 * SECOND);
    let after = t.wait_for("\nSTTY ", 5 * SECOND);
    assert!(!t.alternate_on(), "still on the alternate screen:\n{after}");
    assert_sane(&after);
    assert!(
        !after.contains("1002h") && !after.contains("[<"),
        "mouse reports leak into the shell:\n{after}"
    );
}

#[test]
fn sigterm_restores_the_terminal() {
    signal_restores_the_terminal("e2e-term", libc::SIGTERM);
}

#[test]
fn sighup_restores_the_terminal() {
    signal_restores_the_terminal("e2e-hup", libc::SIGHUP);
}

#[test]
fn sigint_from_outside_restores_the_terminal() {
    signal_restores_the_terminal("e2e-int", libc::SIGINT);
}

#[test]
fn ctrl_c_quits_and_restores_the_terminal() {
    let Some(t) = shell("e2e-ctrl-c") else { return };
    start_a_live_run(&t);
    t.keys(&["C-c"]);
    t.wait_for("EXIT-0", 15 * SECOND);
    let after = t.wait_for("\nSTTY ", 5 * SECOND);
    assert!(!t.alternate_on(), "still on the alternate screen:\n{after}");
    assert_sane(&after);
}

#[test]
fn a_closed_window_ends_the_tui() {
    let Some(t) = shell("e2e-closed") else { return };
    let pid = start_a_live_run(&t);
    t.hang_up();
    let start = std::time::Instant::now();
    while tmux::running(pid) {
        assert!(
            start.elapsed() < 10 * SECOND,
            "the TUI still runs after its terminal went away"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A storm of resizes while a run plays: the TUI redraws at every size (tiny ones say the
/// terminal is too small), keeps playing, and answers keys afterwards.
#[test]
fn a_resize_storm_mid_run_changes_only_the_layout() {
    let Some(t) = shell("e2e-resize") else { return };
    let pid = start_a_live_run(&t);
    for i in 0..60u16 {
        let (w, h) = match i % 4 {
            0 => (20 + i, 5 + i % 7),
            1 => (200, 60),
            2 => (1 + i % 3, 1 + i % 2),
            _ => (80, 24),
        };
        t.resize(w, h);
        std::thread::sleep(Duration::from_millis(10));
    }
    t.resize(100, 30);
    assert!(tmux::running(pid), "the TUI died in the storm");
    t.keys(&["Space"]);
    // The lesson is still open, redrawn at the final size, paused or done.
    t.wait_until("the run to pause or finish", 10 * SECOND, |s| {
        (s.contains("⏸ paused") || s.contains("■ done"))
            && s.contains("Lesson 01")
    });
    t.keys(&["q"]);
    t.wait_for("EXIT-0", 15 * SECOND);
    let after = t.wait_for("\nSTTY ", 5 * SECOND);
    assert_sane(&after);
}

/// Lesson 06 in the real binary: answer the retry question right, let the run play at real
/// pace, and see it graded right with the exact offsets (the run is on the paused clock).
#[test]
fn lesson_six_retry_question_is_graded_right_after_the_run_plays() {
    let Some(t) = shell("e2e-quiz") else { return };
    t.type_line(&command(""));
    t.wait_for("exercises", 20 * SECOND);
    for _ in 0..5 {
        t.keys(&["Down"]);
    }
    t.keys(&["Enter"]);
    t.wait_for("Lesson 06", 5 * SECOND);
    t.keys(&["a"]); // ask run 1's question even if this machine answered it before
    t.wait_for("0, 1, 3, 7", 5 * SECOND);
    t.keys(&["3"]);
    // 7u at 1u = 1 s: graded once the run has played to its end.
    let graded = t.wait_for("your predictions", 30 * SECOND);
    assert!(graded.contains("✓ right"), "{graded}");
    assert!(graded.contains("3) 0, 1, 3, 7"), "{graded}");
    assert!(!graded.contains("1.002"), "{graded}");
    t.keys(&["Esc", "q"]);
    t.wait_for("EXIT-0", 15 * SECOND);
}
