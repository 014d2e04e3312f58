//! Which lessons a learner has read and which questions they answered right, kept in
//! `exercises/.lessons.json` (the learner's file: written atomically, a damaged one moved
//! aside, a reset backed up first).

use crate::exercise::progress::{load_json, save_json};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Path, PathBuf};

/// Which lessons were read and which questions answered right.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LessonProgress {
    pub read: BTreeSet<String>,
    /// Lesson id → the questions answered right.
    pub answered: BTreeMap<String, BTreeSet<usize>>,
}

/// Where the lesson progress of the exercises folder under `root` is kept
/// (`ASYNCSCOPE_LESSON_PROGRESS` points elsewhere, for tests).
/// [`path`] in the learner's folder, or in the user's cache outside one.
pub fn default_path() -> PathBuf {
    match crate::exercise::workspace_root() {
        Ok(root) => path(&root),
        Err(_) => std::env::var_os("ASYNCSCOPE_LESSON_PROGRESS")
            .map_or_else(
                || {
                    crate::embedded::cache_root()
                        .unwrap_or_default()
                        .join("lessons.json")
                },
                PathBuf::from,
            ),
    }
}

pub fn path(root: &Path) -> PathBuf {
    std::env::var_os("ASYNCSCOPE_LESSON_PROGRESS").map_or_else(
        || root.join("exercises").join(".lessons.json"),
        PathBuf::from,
    )
}

/// The progress in `file`; a damaged file is moved aside and the warning says where.
pub fn load(file: &Path) -> (LessonProgress, Option<String>) {
    load_json(file)
}

pub fn save(file: &Path, progress: &LessonProgress) -> io::Result<()> {
    save_json(file, progress)
}

/// What [`reset`] did.
#[derive(Debug, PartialEq)]
pub enum Reset {
    /// Nothing was recorded (for that lesson): nothing changed.
    NothingToReset,
    /// Forgotten; the file as it was is kept at `backup`.
    Done { backup: PathBuf },
}

/// Forget what was read and answered, for one lesson or (`None`) all of them. The file as it
/// was is copied to `exercises/.backups/` first (next to `file`'s folder), so a reset can be
/// undone by copying it back.
pub fn reset(file: &Path, lesson: Option<&str>) -> io::Result<Reset> {
    if !file.exists() {
        return Ok(Reset::NothingToReset);
    }
    let (mut progress, warning) = load(file);
    if let Some(w) = warning {
        // Moved aside already: the damaged file is its own backup.
        return Err(io::Error::other(w));
    }
    let before = progress.clone();
    match lesson {
        Some(id) => {
            progress.read.remove(id);
            progress.answered.remove(id);
        }
        None => progress = LessonProgress::default(),
    }
    if progress == before {
        return Ok(Reset::NothingToReset);
    }
    let backup = backup_path(file)?;
    std::fs::copy(file, &backup).map_err(|e| {
        let _ = std::fs::remove_file(&backup);
        io::Error::new(
            e.kind(),
            format!("could not back up {}: {e}", file.display()),
        )
    })?;
    save(file, &progress).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("could not write {}: {e}", file.display()),
        )
    })?;
    Ok(Reset::Done { backup })
}

/// A free name in `.backups/` beside `file`: `lessons.json`, then `lessons.2.json`, …
fn backup_path(file: &Path) -> io::Result<PathBuf> {
    let dir = file
        .parent()
        .unwrap_or_else(|| Path::new("."))
        .join(".backups");
    std::fs::create_dir_all(&dir).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("could not make {}: {e}", dir.display()),
        )
    })?;
    (1..10_000)
        .map(|n| match n {
            1 => dir.join("lessons.json"),
            n => dir.join(format!("lessons.{n}.json")),
        })
        .find(|p| !p.exists())
        .ok_or_else(|| io::Error::other("too many backups already kept"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reset_forgets_one_lesson_or_all_and_backs_up_first() {
        let dir = std::env::temp_dir().join(format!(
            "asyncscope-lesson-progress-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join(".lessons.json");
        assert_eq!(reset(&file, None).unwrap(), Reset::NothingToReset);
        let mut p = LessonProgress::default();
        p.read.extend(["01".to_string(), "06".to_string()]);
        p.answered.entry("06".into()).or_default().insert(0);
        save(&file, &p).unwrap();

        let Reset::Done { backup } = reset(&file, Some("06")).unwrap()
        else {
            panic!("lesson 06 had progress")
        };
        assert_eq!(load(&backup).0, p, "the backup is the file as it was");
        let after = load(&file).0;
        assert!(after.read.contains("01") && !after.read.contains("06"));
        assert!(after.answered.is_empty());
        assert_eq!(
            reset(&file, Some("06")).unwrap(),
            Reset::NothingToReset
        );

        let Reset::Done { backup: second } = reset(&file, None).unwrap()
        else {
            panic!("lesson 01 was read")
        };
        assert_ne!(second, backup, "an earlier backup is never replaced");
        assert_eq!(load(&file).0, LessonProgress::default());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
