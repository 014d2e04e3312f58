//! Progress is merged, not overwritten: two processes saving at the same time (`watch` in one
//! terminal, `check` in another), each from its own in-memory copy, lose no pass.

use asyncscope::exercise::progress::{self, Progress};
use std::path::{Path, PathBuf};
use std::process::Command;

const SAVES: usize = 100;

/// Run in a process of its own by [`two_processes_saving_lose_no_pass`]: load once, then
/// record and save `SAVES` passes from that (soon stale) copy, as `watch` does.
#[test]
#[ignore = "a helper: run by two_processes_saving_lose_no_pass"]
fn saver() {
    let (Some(root), Some(prefix)) = (
        std::env::var_os("PROGRESS_ROOT"),
        std::env::var("PROGRESS_PREFIX").ok(),
    ) else {
        return;
    };
    let root = PathBuf::from(root);
    let (mut mine, warning) = progress::load(&root);
    // Both loaded: start together, so that the saves interleave.
    std::fs::write(root.join(format!("ready-{prefix}")), "").unwrap();
    while !root.join("go").exists() {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    assert!(warning.is_none(), "{warning:?}");
    for i in 0..SAVES {
        mine.passed.insert(format!("{prefix}{i}"), true);
        // A failure recorded by this side never erases a pass of the other.
        mine.passed.insert(format!("{prefix}-tried"), false);
        mine.current = Some(format!("{prefix}{i}"));
        if prefix == "watch" {
            // What `watch` does: save, and go on from the merged copy.
            mine = progress::save_merged(&root, &mine).unwrap();
        } else {
            // What `check` and the TUI do: save their copy, keep it.
            progress::save(&root, &mine).unwrap();
        }
    }
}

fn temp_root(name: &str) -> PathBuf {
    let root = std::env::temp_dir()
        .join(format!("asyncscope-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("exercises")).unwrap();
    root
}

fn passes(root: &Path) -> Progress {
    let (p, warning) = progress::load(root);
    assert!(warning.is_none(), "{warning:?}");
    p
}

#[test]
fn two_processes_saving_lose_no_pass() {
    let root = temp_root("progress-merge");
    // One pass recorded before either started: neither may erase it.
    let before = Progress {
        passed: [("earlier".to_string(), true)].into(),
        current: None,
        ..Default::default()
    };
    progress::save(&root, &before).unwrap();
    let savers: Vec<_> = ["watch", "check"]
        .iter()
        .map(|prefix| {
            Command::new(std::env::current_exe().unwrap())
                .args(["saver", "--exact", "--ignored", "--nocapture"])
                .env("PROGRESS_ROOT", &root)
                .env("PROGRESS_PREFIX", prefix)
                .spawn()
                .unwrap()
        })
        .collect();
    while !(root.join("ready-watch").exists()
        && root.join("ready-check").exists())
    {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    std::fs::write(root.join("go"), "").unwrap();
    for mut s in savers {
        assert!(s.wait().unwrap().success());
    }
    let after = passes(&root);
    for prefix in ["watch", "check"] {
        for i in 0..SAVES {
            let name = format!("{prefix}{i}");
            assert_eq!(
                after.passed.get(&name),
                Some(&true),
                "{name} was lost"
            );
        }
        assert_eq!(
            after.passed.get(&format!("{prefix}-tried")),
            Some(&false)
        );
    }
    assert_eq!(after.passed.get("earlier"), Some(&true));
    assert!(after.current.is_some());
    // Nothing but the file and its lock is left in the folder (no temp files).
    let mut names: Vec<String> = std::fs::read_dir(root.join("exercises"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, [".progress.json", ".progress.json.lock"]);
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_stale_copy_never_takes_a_pass_back() {
    let root = temp_root("progress-stale");
    let (stale, _) = progress::load(&root);
    let mut other = stale.clone();
    other.passed.insert("fetch_all".into(), true);
    progress::save(&root, &other).unwrap();
    let mut mine = stale;
    mine.passed.insert("fetch_all".into(), false);
    mine.passed.insert("retry".into(), false);
    let merged = progress::save_merged(&root, &mine).unwrap();
    assert_eq!(merged.passed.get("fetch_all"), Some(&true));
    assert_eq!(merged.passed.get("retry"), Some(&false));
    assert_eq!(passes(&root), merged);
    let _ = std::fs::remove_dir_all(&root);
}
