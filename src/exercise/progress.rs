//! Which exercises a learner has passed, kept in `exercises/.progress.json`, written atomically
//! (a temp file renamed over the old one) so a crash never leaves half a file.
//!
//! Several processes save it (`watch` in one terminal, `check` in another, the TUI): every
//! save re-reads the file and merges under a lock (`.progress.json.lock`), so a pass recorded
//! by another process is never lost. A pass, once recorded, stays.
//!
//! The file is the learner's: a damaged one is never emptied or overwritten. It is moved aside
//! (`.progress.json.damaged`, then `.damaged.2`, …, never replacing an earlier one) and the
//! warning says where; progress is then rebuilt by re-checking. [`load_json`] and
//! [`save_json`] do the same for the other JSON files a learner's progress is kept in.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// Far more than any progress file holds; a bigger file is not one.
pub const MAX_BYTES: u64 = 1 << 20;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// Exercise name → passed.
    pub passed: BTreeMap<String, bool>,
    /// The exercise the learner was on.
    #[serde(default)]
    pub current: Option<String>,
    /// Exercise name → how many of its hints `asyncscope hint` has shown.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub hints_seen: BTreeMap<String, usize>,
}

pub fn path(root: &Path) -> PathBuf {
    root.join("exercises").join(".progress.json")
}

/// Read the progress file. A damaged one is moved aside (never silently emptied) and the
/// warning says so; progress is then rebuilt by re-checking.
pub fn load(root: &Path) -> (Progress, Option<String>) {
    load_json(&path(root))
}

/// Save `progress` merged with the file as it is now (see [`save_merged`]).
pub fn save(root: &Path, progress: &Progress) -> io::Result<()> {
    save_merged(root, progress).map(|_| ())
}

/// Under the lock: re-read the file, merge `progress` into it (passes from either side stay;
/// an exercise only one side has is kept; `current` is ours), write it, and return what was
/// written.
pub fn save_merged(
    root: &Path,
    progress: &Progress,
) -> io::Result<Progress> {
    let file = path(root);
    let _lock = lock(&file)?;
    // A damaged file is handled by `save_json` (moved aside, never overwritten in place).
    let mut merged =
        read::<Progress>(&file).ok().flatten().unwrap_or_default();
    for (name, &passed) in &progress.passed {
        let was = merged.passed.entry(name.clone()).or_insert(passed);
        *was |= passed;
    }
    if progress.current.is_some() {
        merged.current = progress.current.clone();
    }
    // Hints seen only grow (a check's older copy never hides one shown since); 0 is a
    // reset, and is not kept.
    for (name, &seen) in &progress.hints_seen {
        if seen == 0 {
            merged.hints_seen.remove(name);
        } else {
            let on_file =
                merged.hints_seen.entry(name.clone()).or_insert(0);
            *on_file = (*on_file).max(seen);
        }
    }
    save_json(&file, &merged)?;
    Ok(merged)
}

/// The lock every saver of `file` takes (`NAME.lock` beside it: the file itself is replaced
/// by each save, so it cannot carry the lock). Released when dropped.
fn lock(file: &Path) -> io::Result<std::fs::File> {
    let mut name = file.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    let lock_path = file.with_file_name(name);
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("{}: {e}", lock_path.display()),
            )
        })?;
    crate::sandbox::lock_exclusive(
        &lock,
        std::time::Duration::from_secs(10),
    )
    .map_err(|e| {
        io::Error::new(e.kind(), format!("{}: {e}", lock_path.display()))
    })?;
    Ok(lock)
}

/// Read a JSON file of the learner's. No file: the default, no warning. A file that cannot be
/// read or is not a `T` (empty, cut short, wrong types, not UTF-8, too big) is moved aside and
/// the warning names it, the line and what is wrong; the default is returned.
pub fn load_json<T: DeserializeOwned + Default>(
    file: &Path,
) -> (T, Option<String>) {
    match read(file) {
        Ok(None) => (T::default(), None),
        Ok(Some(value)) => (value, None),
        Err(problem) => {
            let kept = match set_aside(file) {
                Ok(aside) => format!("it was kept as {}", aside.display()),
                Err(e) => format!(
                    "it could not be moved aside ({e}), so it is left as \
                     it is and will not be overwritten"
                ),
            };
            let warning = format!(
                "{} is damaged ({problem}); {kept}; your progress will be \
                 rebuilt as you go on",
                file.display()
            );
            (T::default(), Some(warning))
        }
    }
}

/// Write `value` to `file` atomically. A damaged file already there (one [`load_json`] could
/// not move aside, or one written since) is moved aside first; if it cannot be, nothing is
/// written and the error says why.
pub fn save_json<T: Serialize + DeserializeOwned>(
    file: &Path,
    value: &T,
) -> io::Result<()> {
    if read::<T>(file).is_err() {
        set_aside(file).map_err(|e| {
            io::Error::other(format!(
                "{} is damaged and could not be moved aside ({e}); it was \
                 not overwritten",
                file.display()
            ))
        })?;
    }
    let text =
        serde_json::to_string_pretty(value).map_err(io::Error::other)?;
    // Unique per process and call: two savers (watch and a check, say) never share a temp file.
    let tmp = {
        use std::sync::atomic::{AtomicU64, Ordering};
        static SAVES: AtomicU64 = AtomicU64::new(0);
        let mut name = file.file_name().unwrap_or_default().to_os_string();
        name.push(format!(
            ".{}-{}.tmp",
            std::process::id(),
            SAVES.fetch_add(1, Ordering::Relaxed)
        ));
        file.with_file_name(name)
    };
    let result = std::fs::write(&tmp, text + "\n")
        .and_then(|()| std::fs::rename(&tmp, file));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// `Ok(None)`: there is no file. `Err`: what is wrong with it, in words, with the line.
fn read<T: DeserializeOwned>(file: &Path) -> Result<Option<T>, String> {
    let mut bytes = Vec::new();
    let read = std::fs::File::open(file).and_then(|f| {
        // Bounded: a huge file is refused without reading it all.
        f.take(MAX_BYTES + 1).read_to_end(&mut bytes)
    });
    match read {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("it cannot be read: {e}")),
        Ok(_) => {}
    }
    if bytes.len() as u64 > MAX_BYTES {
        return Err(format!(
            "it is larger than {} MiB, far more than a progress file holds",
            MAX_BYTES >> 20
        ));
    }
    // Some editors start a UTF-8 file with a byte-order mark; it is not damage.
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    if text.trim_ascii().is_empty() {
        return Err("line 1: the file is empty".into());
    }
    if let Err(e) = std::str::from_utf8(text) {
        let line = line_at(text, e.valid_up_to());
        return Err(format!(
            "line {line}: it is not UTF-8 text (saved in another encoding?)"
        ));
    }
    serde_json::from_slice(text).map(Some).map_err(|e| {
        use serde_json::error::Category;
        // serde_json's message ends with its own "at line L column C": say it once.
        let full = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        let what = full.strip_suffix(&suffix).unwrap_or(&full);
        let what = match e.classify() {
            Category::Eof => "the file ends too early (cut short?)".into(),
            Category::Syntax => format!("this is not valid JSON: {what}"),
            Category::Data | Category::Io => what.to_string(),
        };
        format!("line {}, column {}: {what}", e.line(), e.column())
    })
}

fn line_at(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1
}

/// Move `file` to the first free `NAME.damaged`, `NAME.damaged.2`, …; an earlier damaged
/// file is never replaced.
fn set_aside(file: &Path) -> io::Result<PathBuf> {
    let name = file.file_name().unwrap_or_default().to_os_string();
    for n in 1..1000 {
        let mut aside = name.clone();
        aside.push(".damaged");
        if n > 1 {
            aside.push(format!(".{n}"));
        }
        let aside = file.with_file_name(aside);
        // A hard link fails if the name is taken (a rename would replace it), so two
        // processes setting files aside at once cannot clobber each other's.
        match std::fs::hard_link(file, &aside) {
            Ok(()) => {
                std::fs::remove_file(file)?;
                return Ok(aside);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            // No hard links here (some file systems; or a folder): rename to the free name.
            Err(_) if !aside.exists() => {
                std::fs::rename(file, &aside)?;
                return Ok(aside);
            }
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other("too many damaged files are already kept"))
}
