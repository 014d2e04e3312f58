//! What the binary carries, so that it works from any folder with no source checkout: the
//! lessons, the exercises' checks (`info.toml`), their pristine starters and their reference
//! solutions. Grades use these, never copies a learner's program could rewrite.

use include_dir::{Dir, include_dir};
use std::io;
use std::path::{Path, PathBuf};

static LESSONS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/lessons");
static STARTERS: Dir<'static> =
    include_dir!("$CARGO_MANIFEST_DIR/solutions/starters");
static SOLUTIONS: Dir<'static> =
    include_dir!("$CARGO_MANIFEST_DIR/solutions");

/// Every exercise's instructions, hints, checks and limits.
pub const EXERCISES_INFO: &str = include_str!("../exercises/info.toml");

/// The pristine starter of exercise file `file` ("fetch_all.rs").
pub fn starter(file: &str) -> Option<&'static [u8]> {
    STARTERS.get_file(file).map(|f| f.contents())
}

/// Every starter: (file name, contents).
pub fn starters() -> impl Iterator<Item = (&'static str, &'static [u8])> {
    top_level_rs(&STARTERS)
}

/// A file of `solutions/` ("python/fetch_all.py": the Python exercises' reference).
pub fn solution(path: &str) -> Option<&'static [u8]> {
    SOLUTIONS.get_file(path).map(|f| f.contents())
}

/// The Python exercises' starters: (path in `exercises/`, contents), "python/fetch_all.py".
pub fn python_starters()
-> impl Iterator<Item = (&'static str, &'static [u8])> {
    STARTERS
        .get_dir("python")
        .into_iter()
        .flat_map(|d| d.files())
        .filter_map(|f| {
            let path = f.path().to_str()?;
            path.ends_with(".py").then_some((path, f.contents()))
        })
}

/// Every reference solution: (file name, contents), named like the exercise's file.
pub fn solutions() -> impl Iterator<Item = (&'static str, &'static [u8])> {
    top_level_rs(&SOLUTIONS)
}

fn top_level_rs(
    dir: &'static Dir<'static>,
) -> impl Iterator<Item = (&'static str, &'static [u8])> {
    dir.files().filter_map(|f| {
        let name = f.path().file_name()?.to_str()?;
        name.ends_with(".rs").then_some((name, f.contents()))
    })
}

/// The built-in lessons as files in a folder of their own under the user's cache (written
/// again when this binary's copy differs), for when no `lessons/` folder is at hand.
pub fn lessons_dir() -> io::Result<PathBuf> {
    let dir = cache_root()?
        .join(format!("lessons-{}", env!("CARGO_PKG_VERSION")));
    write_tree(&LESSONS, &dir)?;
    Ok(dir)
}

/// `$XDG_CACHE_HOME/asyncscope` or `~/.cache/asyncscope`: the user's own, not a shared /tmp
/// where another account could put files first.
pub fn cache_root() -> io::Result<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .map(|h| PathBuf::from(h).join(".cache"))
        })
        .ok_or_else(|| {
            io::Error::other("neither XDG_CACHE_HOME nor HOME is set")
        })?;
    Ok(base.join("asyncscope"))
}

/// Write every file of `dir` under `to`, leaving files that already hold the same bytes.
fn write_tree(dir: &Dir<'static>, to: &Path) -> io::Result<()> {
    for file in dir.files() {
        let path = to.join(file.path());
        if std::fs::read(&path).ok().as_deref() == Some(file.contents()) {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, file.contents())?;
    }
    for sub in dir.dirs() {
        write_tree(sub, to)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_exercise_has_an_embedded_starter_and_solution() {
        let infos = crate::exercise::info::parse(EXERCISES_INFO)
            .expect("the built-in info.toml parses");
        assert!(infos.len() >= 16);
        for info in infos {
            assert!(starter(&info.file()).is_some(), "{}", info.name);
            // A Python exercise's reference is solutions/python/NAME.py, its file's path.
            assert!(
                solutions().any(|(name, _)| name == info.file())
                    || solution(&info.file()).is_some(),
                "{}",
                info.name
            );
        }
    }
}
