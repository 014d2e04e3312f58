//! Ctrl-C in `asyncscope watch` while a check runs ends the check at once (not at its time
//! limit), and leaves nothing of it running.

use std::path::{Path, PathBuf};
use std::time::Duration;
use tmux::Tmux;

mod tmux;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

const PATIENCE: Duration = Duration::from_secs(240);

/// Puts `exercises/fetch_all.rs` and the progress file back as they were.
struct Restore {
    exercise: Vec<u8>,
    progress: Option<Vec<u8>>,
}

fn exercise_file() -> PathBuf {
    root().join("exercises/fetch_all.rs")
}

fn progress_file() -> PathBuf {
    root().join("exercises/.progress.json")
}

impl Drop for Restore {
    fn drop(&mut self) {
        std::fs::write(exercise_file(), &self.exercise)
            .expect("put fetch_all.rs back");
        match &self.progress {
            Some(p) => std::fs::write(progress_file(), p).unwrap(),
            None => {
                let _ = std::fs::remove_file(progress_file());
            }
        }
    }
}

/// Processes running this build's `fetch_all` exercise binary (beside `asyncscope`).
fn spinning() -> Vec<u32> {
    let binary = Path::new(env!("CARGO_BIN_EXE_asyncscope"))
        .with_file_name("fetch_all");
    let binary = binary.canonicalize().unwrap_or(binary);
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| {
            std::fs::read_link(e.path().join("exe")).is_ok_and(|x| {
                x.to_string_lossy().trim_end_matches(" (deleted)")
                    == binary.to_string_lossy()
            })
        })
        .filter_map(|e| e.file_name().to_str()?.parse().ok())
        .filter(|&pid| tmux::running(pid))
        .collect()
}

#[test]
fn ctrl_c_ends_the_running_check_at_once() {
    Tmux::require();
    let _restore = Restore {
        exercise: std::fs::read(exercise_file()).unwrap(),
        progress: std::fs::read(progress_file()).ok(),
    };
    std::fs::write(
        progress_file(),
        r#"{"passed": {}, "current": "fetch_all"}"#,
    )
    .unwrap();
    // Runs until its 10 s time limit: only a cancel ends it sooner.
    std::fs::write(
        exercise_file(),
        "fn main() {\n    loop {\n        std::hint::spin_loop();\n    }\n}\n",
    )
    .unwrap();
    let bin = env!("CARGO_BIN_EXE_asyncscope");
    let tmux = Tmux::start(
        "cancel",
        root(),
        100,
        50,
        &format!("{bin} watch; echo EXIT-$?"),
    );
    let start = std::time::Instant::now();
    while spinning().is_empty() {
        assert!(
            start.elapsed() < PATIENCE,
            "the check never started:\n{}",
            tmux.screen()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    tmux.keys(&["C-c"]);
    let screen = tmux.wait_for("EXIT-", PATIENCE);
    eprintln!("{screen}");
    assert!(screen.contains("EXIT-0"), "{screen}");
    assert!(screen.contains("brings you back to fetch_all"), "{screen}");
    // Ended by the cancel, not by the time limit (whose verdict would be on the screen).
    assert!(!screen.contains("did not finish within"), "{screen}");
    assert!(spinning().is_empty(), "left running: {:?}", spinning());
}
