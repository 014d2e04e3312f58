//! A learner folder made by `asyncscope init`, used as a newcomer would: the real binary run
//! from inside it (or a subfolder), grading from the checks built into the binary, refusing a
//! crate that could write what the grader reads.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn checkout() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Learner builds share one target folder, so only the first test run builds tokio.
fn learner_target() -> PathBuf {
    let dir = checkout().join("target").join("learner-folder-tests");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// One test at a time: every learner folder's `fetch_all` is built to the same path in the
/// shared target folder, so two at once could run each other's binary.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn alone() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

fn asyncscope(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_asyncscope"))
        .args(args)
        .current_dir(cwd)
        .env("CARGO_TARGET_DIR", learner_target())
        .env("NO_COLOR", "1")
        .env_remove("ASYNCSCOPE_LESSON_PROGRESS")
        .output()
        .expect("asyncscope runs")
}

fn said(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A fresh learner folder `learn` in a temporary folder (kept alive by the returned guard).
fn learner_folder() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let kit = checkout().join("crates/asyncscope-kit");
    let out = asyncscope(
        tmp.path(),
        &["init", "learn", "--kit", kit.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", said(&out));
    let all = asyncscope::exercise::info::builtin().len();
    assert!(
        said(&out).contains(&format!("Wrote {all} exercises")),
        "{}",
        said(&out)
    );
    let dir = tmp.path().join("learn");
    (tmp, dir)
}

#[test]
fn the_starter_fails_the_reference_passes_and_paths_are_the_learners() {
    let _alone = alone();
    let (tmp, dir) = learner_folder();
    for file in [
        "Cargo.toml",
        ".cargo/config.toml",
        ".gitignore",
        "README.md",
    ] {
        assert!(dir.join(file).is_file(), "{file}");
    }
    let out = asyncscope(&dir, &["check", "fetch_all"]);
    let text = said(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("ran one after another"), "{text}");
    assert!(text.contains("exercises/fetch_all.rs:"), "{text}");
    let abs = tmp.path().display().to_string();
    assert!(!text.contains(&abs), "an absolute path in: {text}");

    std::fs::copy(
        checkout().join("solutions/fetch_all.rs"),
        dir.join("exercises/fetch_all.rs"),
    )
    .unwrap();
    // From a subfolder too, naming paths from there.
    let out = asyncscope(&dir.join("exercises"), &["check", "fetch_all"]);
    assert!(out.status.success(), "{}", said(&out));
    assert!(said(&out).contains("✓ passed"), "{}", said(&out));

    let listed = said(&asyncscope(&dir, &["exercises"]));
    assert!(listed.contains("✓ fetch_all"), "{listed}");
    let reset =
        said(&asyncscope(&dir.join("exercises"), &["reset", "fetch_all"]));
    assert!(
        reset.contains("../exercises/fetch_all.rs is back"),
        "{reset}"
    );
    assert_eq!(
        std::fs::read(dir.join("exercises/fetch_all.rs")).unwrap(),
        std::fs::read(checkout().join("solutions/starters/fetch_all.rs"))
            .unwrap()
    );
}

#[test]
fn learner_code_cannot_write_what_the_grader_reads() {
    let _alone = alone();
    let (_tmp, dir) = learner_folder();
    let forgeries = [
        (
            "set_value",
            "use asyncscope::exercise::kits::fetch_all::run;\n\
             fn main() { run(|ids| async move {\n\
                 asyncscope::probe::set_value(\"results\", 1);\n\
                 ids.iter().map(|i| format!(\"page {i}\")).collect() }); }\n",
        ),
        (
            "harness::run",
            "fn main() { asyncscope::exercise::harness::run(\n\
                 &asyncscope::exercise::harness::Setup::new(\"fetch_all\"),\n\
                 |_| Box::pin(async {})); }\n",
        ),
        (
            "mark",
            "use asyncscope::exercise::kits::fetch_all::run;\n\
             fn main() { run(|_ids| async move {\n\
                 asyncscope::probe::mark(\"started: runner 1\"); Vec::new() }); }\n",
        ),
    ];
    for (what, code) in forgeries {
        std::fs::write(dir.join("exercises/fetch_all.rs"), code).unwrap();
        let out = asyncscope(&dir, &["check", "fetch_all"]);
        let text = said(&out);
        assert_eq!(out.status.code(), Some(1), "{what}: {text}");
        assert!(text.contains("does not compile"), "{what}: {text}");
        assert!(text.contains("private"), "{what}: {text}");
    }
}

/// A change made to a learner folder.
type Change = Box<dyn Fn(&Path)>;

#[test]
fn a_crate_changed_to_reach_the_grader_is_refused_before_it_builds() {
    let _alone = alone();
    let (_tmp, dir) = learner_folder();
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    let config =
        std::fs::read_to_string(dir.join(".cargo/config.toml")).unwrap();
    let changes: [(&str, Change, &str); 5] = [
        (
            "build script",
            Box::new(|d| {
                std::fs::write(d.join("build.rs"), "fn main() {}").unwrap()
            }),
            "build script",
        ),
        (
            "probes feature",
            Box::new(|d| {
                let m =
                    std::fs::read_to_string(d.join("Cargo.toml")).unwrap();
                let m = m.replace(
                    "default-features = false }",
                    "default-features = false, features = [\"probes\"] }",
                );
                std::fs::write(d.join("Cargo.toml"), m).unwrap()
            }),
            "no features",
        ),
        (
            "another dependency",
            Box::new(|d| {
                let m =
                    std::fs::read_to_string(d.join("Cargo.toml")).unwrap();
                let m = m.replace(
                    "futures = \"0.3\"",
                    "futures = \"0.3\"\nhelper = { path = \"../helper\" }",
                );
                std::fs::write(d.join("Cargo.toml"), m).unwrap()
            }),
            "depends on `helper`",
        ),
        (
            "a patch in cargo's configuration",
            Box::new(|d| {
                let c =
                    std::fs::read_to_string(d.join(".cargo/config.toml"))
                        .unwrap();
                std::fs::write(
                    d.join(".cargo/config.toml"),
                    c + "\n[patch.crates-io]\ntokio = { path = \"../tokio\" }\n",
                )
                .unwrap()
            }),
            "`[patch]`",
        ),
        (
            "a patch",
            Box::new(|d| {
                let m =
                    std::fs::read_to_string(d.join("Cargo.toml")).unwrap();
                std::fs::write(
                    d.join("Cargo.toml"),
                    m + "\n[patch.crates-io]\ntokio = { path = \"../tokio\" }\n",
                )
                .unwrap()
            }),
            "`[patch]`",
        ),
    ];
    for (what, change, phrase) in changes {
        change(&dir);
        let out = asyncscope(&dir, &["check", "fetch_all"]);
        let text = said(&out);
        assert_eq!(out.status.code(), Some(1), "{what}: {text}");
        assert!(text.contains("cannot be graded"), "{what}: {text}");
        assert!(text.contains(phrase), "{what}: {text}");
        assert!(!text.contains("Compiling"), "{what} was built: {text}");
        std::fs::write(dir.join("Cargo.toml"), &manifest).unwrap();
        std::fs::write(dir.join(".cargo/config.toml"), &config).unwrap();
        let _ = std::fs::remove_file(dir.join("build.rs"));
    }
}

#[test]
fn outside_a_learner_folder_commands_say_to_run_init() {
    let _alone = alone();
    let tmp = tempfile::tempdir().unwrap();
    let out = asyncscope(tmp.path(), &["check", "fetch_all"]);
    assert_eq!(out.status.code(), Some(2), "{}", said(&out));
    assert!(said(&out).contains("asyncscope init"), "{}", said(&out));
    let listed = asyncscope(tmp.path(), &["exercises"]);
    assert_eq!(listed.status.code(), Some(2), "{}", said(&listed));
}

#[test]
fn init_never_writes_over_a_folder_of_exercises() {
    let _alone = alone();
    let (tmp, dir) = learner_folder();
    std::fs::write(dir.join("exercises/fetch_all.rs"), "// mine\n")
        .unwrap();
    let out = asyncscope(tmp.path(), &["init", "learn"]);
    assert_eq!(out.status.code(), Some(1), "{}", said(&out));
    assert!(said(&out).contains("already exists"), "{}", said(&out));
    assert_eq!(
        std::fs::read_to_string(dir.join("exercises/fetch_all.rs"))
            .unwrap(),
        "// mine\n"
    );
}

#[test]
fn the_reference_solution_is_built_from_the_binary_outside_a_checkout() {
    let _alone = alone();
    use asyncscope::exercise::{self, SOLUTIONS_PACKAGE, info};
    // A folder kept between runs (its own target/ stays warm), its files written afresh.
    let dir = learner_target().join("reference-folder");
    let _ = std::fs::remove_file(dir.join("Cargo.toml"));
    let _ = std::fs::remove_dir_all(dir.join("exercises"));
    let kit = checkout().join("crates/asyncscope-kit");
    let out = asyncscope(
        &learner_target(),
        &["init", "reference-folder", "--kit", kit.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", said(&out));
    // A tampered copy in the build folder is written over before the build.
    let reference = dir.join("target/asyncscope-reference");
    std::fs::create_dir_all(&reference).unwrap();
    std::fs::write(reference.join("fetch_all.rs"), "fn main() {}").unwrap();
    let infos = info::builtin();
    let fetch_all = infos.iter().find(|i| i.name == "fetch_all").unwrap();
    let checked = exercise::check(
        &dir,
        SOLUTIONS_PACKAGE,
        "solution_fetch_all",
        fetch_all,
        false,
    );
    assert!(
        checked.passed,
        "{:?} {:?} {:?}",
        checked.compile_error, checked.run_problem, checked.checks
    );
    assert_eq!(
        std::fs::read(reference.join("fetch_all.rs")).unwrap(),
        std::fs::read(checkout().join("solutions/fetch_all.rs")).unwrap()
    );
    // Built with the learner's dependencies, not in a second target folder.
    assert!(!reference.join("target").exists());
}

#[test]
fn lessons_come_from_the_binary_outside_a_checkout() {
    let _alone = alone();
    let (tmp, dir) = learner_folder();
    let cache = tmp.path().join("cache");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_asyncscope"))
            .args(args)
            .current_dir(&dir)
            .env("XDG_CACHE_HOME", &cache)
            .env("NO_COLOR", "1")
            .output()
            .expect("asyncscope runs")
    };
    let listed = run(&["lessons"]);
    assert!(listed.status.success(), "{}", said(&listed));
    let text = said(&listed);
    assert!(text.contains(" 01  ") && text.contains(" 15  "), "{text}");
    // The lesson's asyncio twin runs from the written-out copy too.
    let lesson = run(&["lesson", "01", "--python"]);
    assert!(lesson.status.success(), "{}", said(&lesson));
    assert!(
        said(&lesson).contains("run 1 in asyncio"),
        "{}",
        said(&lesson)
    );
    assert!(cache.join("asyncscope").is_dir());
    assert!(!dir.join("lessons").exists());
}
