//! Which exercises a learner has passed, kept in `exercises/.progress.json`, written atomically
//! (a temp file renamed over the old one) so a crash never leaves half a file.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// Exercise name → passed.
    pub passed: BTreeMap<String, bool>,
    /// The exercise the learner was on.
    #[serde(default)]
    pub current: Option<String>,
}

pub fn path(root: &Path) -> PathBuf {
    root.join("exercises").join(".progress.json")
}

/// Read the progress file. A damaged one is moved aside (never silently emptied) and the
/// warning says so; progress is then rebuilt by re-checking.
pub fn load(root: &Path) -> (Progress, Option<String>) {
    let file = path(root);
    let Ok(text) = std::fs::read_to_string(&file) else {
        return (Progress::default(), None);
    };
    match serde_json::from_str(&text) {
        Ok(p) => (p, None),
        Err(e) => {
            let aside = file.with_extension("json.damaged");
            let moved = std::fs::rename(&file, &aside).is_ok();
            let warning = format!(
                "{} is damaged (line {}: {e}); {}; your progress will be rebuilt as \
                 exercises are checked again",
                file.display(),
                e.line(),
                if moved {
                    format!("it was kept as {}", aside.display())
                } else {
                    "it was left as it is".to_string()
                }
            );
            (Progress::default(), Some(warning))
        }
    }
}

pub fn save(root: &Path, progress: &Progress) -> std::io::Result<()> {
    let file = path(root);
    let tmp = file.with_extension("json.tmp");
    let text = serde_json::to_string_pretty(progress)
        .map_err(std::io::Error::other)?;
    std::fs::write(&tmp, text + "\n")?;
    std::fs::rename(&tmp, &file)
}
