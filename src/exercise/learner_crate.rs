//! The learner's crate: what `asyncscope init` writes, and the check, before every build, that
//! it is still that crate. The grader trusts what the kit records only because learner code
//! links the kit without its `probes` feature and nothing else that could switch it on: a
//! manifest that adds a build script, another dependency source or a feature is refused.

use super::EXERCISES_PACKAGE;
use std::io;
use std::path::{Path, PathBuf};

/// The only dependencies a learner crate may have (besides the kit), all from crates.io.
const ALLOWED_DEPENDENCIES: [&str; 3] = ["tokio", "futures", "tokio-util"];

/// The name learner code uses for the kit (`use asyncscope::…`).
const KIT_ALIAS: &str = "asyncscope";
const KIT_PACKAGE: &str = "asyncscope-kit";

/// Where the learner crate's manifest is under `root`: the checkout's own crate, or the
/// learner folder's `Cargo.toml`.
pub fn manifest_path(root: &Path) -> PathBuf {
    let checkout = root.join(super::CHECKOUT_MANIFEST);
    if checkout.is_file() {
        checkout
    } else {
        root.join("Cargo.toml")
    }
}

/// Why the learner crate under `root` cannot be graded as it is, in a sentence; `None` when
/// it is as asyncscope made it.
pub fn problem(root: &Path) -> Option<String> {
    let path = manifest_path(root);
    let shown = path.display();
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            return Some(format!(
                "cannot be graded: cannot read {shown}: {e}"
            ));
        }
    };
    let manifest: toml::Table = match text.parse() {
        Ok(m) => m,
        Err(e) => {
            return Some(format!(
                "cannot be graded: {shown} is not valid TOML: {}",
                e.message()
            ));
        }
    };
    let refused = |what: String| {
        Some(format!(
            "cannot be graded: {shown} was changed ({what}); grades come only from code that \
             runs on the kit, so put it back as `asyncscope init` wrote it"
        ))
    };
    let build_script = path.with_file_name("build.rs");
    if build_script.exists() {
        return refused(format!(
            "{} adds a build script",
            build_script.display()
        ));
    }
    let package = manifest.get("package").and_then(|p| p.as_table());
    if package.and_then(|p| p.get("name")).and_then(|n| n.as_str())
        != Some(EXERCISES_PACKAGE)
    {
        return refused(format!(
            "its package is not `{EXERCISES_PACKAGE}`"
        ));
    }
    if package.is_some_and(|p| p.contains_key("build")) {
        return refused("it names a build script".into());
    }
    for key in manifest.keys() {
        if !["package", "dependencies", "bin", "profile", "workspace"]
            .contains(&key.as_str())
        {
            return refused(format!("it adds a `[{key}]` section"));
        }
    }
    if let Some(members) = manifest
        .get("workspace")
        .and_then(|w| w.get("members"))
        .and_then(|m| m.as_array())
        && !members.is_empty()
        && !root.join(super::CHECKOUT_MANIFEST).is_file()
    {
        return refused("its workspace has members".into());
    }
    // Cargo's own configuration in the folder can swap a crate's source as a manifest can.
    let config = root.join(".cargo").join("config.toml");
    if let Ok(text) = std::fs::read_to_string(&config) {
        let table: toml::Table = match text.parse() {
            Ok(t) => t,
            Err(e) => {
                return Some(format!(
                    "cannot be graded: {} is not valid TOML: {}",
                    config.display(),
                    e.message()
                ));
            }
        };
        for key in ["patch", "source", "paths"] {
            if table.contains_key(key) {
                return Some(format!(
                    "cannot be graded: {} was changed (it adds `[{key}]`); grades come only \
                     from code that runs on the kit, so put it back as `asyncscope init` wrote it",
                    config.display()
                ));
            }
        }
    }
    let deps = manifest
        .get("dependencies")
        .and_then(|d| d.as_table())
        .cloned()
        .unwrap_or_default();
    for (name, spec) in &deps {
        if name == KIT_ALIAS {
            let table = spec.as_table();
            let field = |k: &str| table.and_then(|t| t.get(k));
            if field("package").and_then(|p| p.as_str())
                != Some(KIT_PACKAGE)
                || field("default-features").and_then(|d| d.as_bool())
                    != Some(false)
                || field("features").is_some()
                || field("git").is_some()
            {
                return refused(format!(
                    "`{KIT_ALIAS}` must be `{KIT_PACKAGE}` with default-features = false and \
                     no features"
                ));
            }
            continue;
        }
        if !ALLOWED_DEPENDENCIES.contains(&name.as_str()) {
            return refused(format!(
                "it depends on `{name}`; exercises may use only tokio, futures and tokio-util"
            ));
        }
        let from_elsewhere = spec.as_table().is_some_and(|t| {
            ["path", "git", "registry", "package"]
                .iter()
                .any(|k| t.contains_key(*k))
        });
        if from_elsewhere {
            return refused(format!(
                "`{name}` comes from somewhere other than crates.io"
            ));
        }
    }
    None
}

/// How a learner folder's crate finds the kit: from crates.io by version, or from a local
/// folder (a source checkout).
#[derive(Clone, Debug)]
pub enum KitSource {
    Version(String),
    Path(PathBuf),
}

impl KitSource {
    /// The kit of this asyncscope: the checkout's `crates/asyncscope-kit` when this binary
    /// was built from a checkout that is still there, else this version from crates.io.
    pub fn for_this_binary() -> KitSource {
        let checkout = Path::new(env!("CARGO_MANIFEST_DIR"));
        let kit = checkout.join("crates").join(KIT_PACKAGE);
        if kit.join("Cargo.toml").is_file()
            && checkout.join(super::CHECKOUT_MANIFEST).is_file()
        {
            KitSource::Path(kit)
        } else {
            KitSource::Version(env!("CARGO_PKG_VERSION").to_string())
        }
    }

    fn spec(&self) -> String {
        let at = match self {
            KitSource::Version(v) => format!("version = \"{v}\""),
            // TOML basic strings: backslashes and quotes escaped.
            KitSource::Path(p) => format!(
                "path = \"{}\"",
                p.display()
                    .to_string()
                    .replace('\\', "\\\\")
                    .replace('"', "\\\"")
            ),
        };
        format!(
            "{KIT_ALIAS} = {{ package = \"{KIT_PACKAGE}\", {at}, default-features = false }}"
        )
    }
}

/// The learner folder's `Cargo.toml`: the exercises' package, one binary per exercise file.
pub fn manifest(kit: &KitSource, files: &[String]) -> String {
    let mut s = format!(
        "# Your exercises: one binary per file in exercises/. Edit them in your editor;\n\
         # `asyncscope check NAME` (or `asyncscope watch`) builds, runs and grades them.\n\
         # asyncscope refuses to grade a crate whose dependencies were changed.\n\
         {}",
        package_manifest(EXERCISES_PACKAGE, kit)
    );
    for file in files {
        let name = file.trim_end_matches(".rs");
        s += &format!(
            "\n[[bin]]\nname = \"{name}\"\npath = \"exercises/{file}\"\n"
        );
    }
    s
}

/// A package named `name` on the kit `kit`, a workspace of its own, without its binaries.
fn package_manifest(name: &str, kit: &KitSource) -> String {
    format!(
        "[package]\n\
         name = \"{name}\"\n\
         version = \"0.1.0\"\n\
         edition = \"2024\"\n\
         publish = false\n\
         \n\
         # A folder of its own, even inside another workspace.\n\
         [workspace]\n\
         \n\
         [dependencies]\n\
         {}\n\
         tokio = {{ version = \"1.54\", features = [\"full\"] }}\n\
         futures = \"0.3\"\n\
         tokio-util = {{ version = \"0.7\", features = [\"rt\"] }}\n\
         \n\
         # Faster re-checks: no debug info to link (grades use source locations, not debug info).\n\
         [profile.dev]\n\
         debug = false\n",
        kit.spec()
    )
}

/// The kit the learner crate under `root` builds on, from its manifest (a relative path made
/// absolute, so it can be used from another folder).
fn kit_of(root: &Path) -> Option<KitSource> {
    let manifest: toml::Table =
        std::fs::read_to_string(manifest_path(root))
            .ok()?
            .parse()
            .ok()?;
    let kit = manifest.get("dependencies")?.get(KIT_ALIAS)?;
    if let Some(path) = kit.get("path").and_then(|p| p.as_str()) {
        let base = manifest_path(root).parent()?.to_path_buf();
        return std::path::absolute(base.join(path))
            .ok()
            .map(KitSource::Path);
    }
    let version = kit.get("version").and_then(|v| v.as_str())?;
    Some(KitSource::Version(version.to_string()))
}

/// The reference solution of exercise file `file`, as a crate of its own inside the learner
/// folder's build folder (`target/asyncscope-reference`), written from the copy built into the
/// binary before every build, on the same kit as the learner's crate. Its binary is
/// `solution_NAME` of [`super::SOLUTIONS_PACKAGE`], as in a checkout.
pub fn reference_crate(root: &Path, file: &str) -> io::Result<PathBuf> {
    let source = crate::embedded::solutions()
        .find(|(name, _)| *name == file)
        .map(|(_, contents)| contents)
        .ok_or_else(|| {
            io::Error::other(format!(
                "this asyncscope has no reference solution for {file}"
            ))
        })?;
    let kit = kit_of(root).ok_or_else(|| {
        io::Error::other(format!(
            "cannot tell from {} which asyncscope-kit to build on",
            manifest_path(root).display()
        ))
    })?;
    let dir = root.join("target").join("asyncscope-reference");
    std::fs::create_dir_all(&dir)?;
    let name = file.trim_end_matches(".rs");
    let manifest = format!(
        "# Written by asyncscope before each build: the reference solution, for comparing.\n\
         {}\n[[bin]]\nname = \"solution_{name}\"\npath = \"{file}\"\n",
        package_manifest(super::SOLUTIONS_PACKAGE, &kit)
    );
    std::fs::write(dir.join("Cargo.toml"), manifest)?;
    std::fs::write(dir.join(file), source)?;
    Ok(dir)
}

/// What `asyncscope init` wrote.
#[derive(Debug)]
pub struct Initialised {
    pub dir: PathBuf,
    pub exercises: usize,
}

/// Write a learner folder at `dir` (made if missing; refused if it already holds exercises or
/// a `Cargo.toml`, so nothing of the learner's is overwritten).
pub fn init(dir: &Path, kit: &KitSource) -> io::Result<Initialised> {
    for existing in ["Cargo.toml", "exercises"] {
        if dir.join(existing).exists() {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!(
                    "{} already exists: choose an empty folder (nothing was written)",
                    dir.join(existing).display()
                ),
            ));
        }
    }
    let exercises = dir.join("exercises");
    std::fs::create_dir_all(&exercises)?;
    std::fs::create_dir_all(dir.join(".cargo"))?;
    let mut files: Vec<String> = Vec::new();
    for (name, contents) in crate::embedded::starters() {
        std::fs::write(exercises.join(name), contents)?;
        files.push(name.to_string());
    }
    files.sort();
    std::fs::write(dir.join("Cargo.toml"), manifest(kit, &files))?;
    // The Python exercises: no binaries, run by python3 (exercises/python/NAME.py).
    let mut python = 0;
    for (path, contents) in crate::embedded::python_starters() {
        let to = exercises.join(path);
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(to, contents)?;
        python += 1;
    }
    std::fs::write(
        dir.join(".cargo").join("config.toml"),
        "# tokio records its tasks for asyncscope only with this cfg.\n\
         [build]\n\
         rustflags = [\"--cfg\", \"tokio_unstable\"]\n",
    )?;
    std::fs::write(
        dir.join(".gitignore"),
        "/target\n/exercises/.progress.json*\n/exercises/.backups/\n/exercises/.lessons.json*\n",
    )?;
    std::fs::write(
        dir.join("README.md"),
        "# Async exercises\n\n\
         Run `asyncscope` here for the lessons and exercises, or `asyncscope watch` to re-check on save.\n\
         Edit the files in `exercises/`; `asyncscope check NAME` grades one, `asyncscope hint NAME` helps.\n",
    )?;
    Ok(Initialised {
        dir: dir.to_path_buf(),
        exercises: files.len() + python,
    })
}
