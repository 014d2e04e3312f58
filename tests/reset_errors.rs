//! `reset` that cannot finish says which file and what was left as it was; it never leaves an
//! empty or partial backup, nor half a learner file.

use asyncscope::exercise::{self, info};
use std::path::{Path, PathBuf};

fn workspace(name: &str) -> (PathBuf, info::ExerciseInfo) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"));
    let infos =
        info::load(&src.join("exercises").join("info.toml")).unwrap();
    let info = infos.into_iter().find(|i| i.name == "fetch_all").unwrap();
    let root = std::env::temp_dir()
        .join(format!("asyncscope-reset-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("exercises")).unwrap();
    std::fs::write(root.join("exercises").join(info.file()), "// mine\n")
        .unwrap();
    (root, info)
}

#[test]
fn a_backup_folder_that_cannot_be_made_is_named_and_nothing_changes() {
    let (root, info) = workspace("nofolder");
    // A file where the backups folder goes.
    std::fs::write(root.join("exercises/.backups"), "").unwrap();
    let e = exercise::reset(&root, &info).unwrap_err().to_string();
    assert!(
        e.contains(&root.join("exercises/.backups").display().to_string()),
        "{e}"
    );
    let mine =
        std::fs::read_to_string(root.join("exercises").join(info.file()))
            .unwrap();
    assert_eq!(mine, "// mine\n");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_learner_file_that_cannot_be_replaced_is_named_and_kept() {
    let (root, info) = workspace("noreplace");
    // A folder where the new file is written first.
    let target = root.join("exercises").join(info.file());
    std::fs::create_dir_all(target.with_extension("rs.tmp")).unwrap();
    let e = exercise::reset(&root, &info).unwrap_err().to_string();
    assert!(
        e.contains(&target.display().to_string())
            && e.contains("unchanged"),
        "{e}"
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "// mine\n");
    // The backup is whole.
    for b in std::fs::read_dir(root.join("exercises/.backups")).unwrap() {
        assert_eq!(
            std::fs::read_to_string(b.unwrap().path()).unwrap(),
            "// mine\n"
        );
    }
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn an_exercise_without_a_starter_is_named_and_nothing_changes() {
    let (root, mut info) = workspace("nostarter");
    // Starters are built into the binary: only an exercise it does not know has none.
    info.name = "not_an_exercise".into();
    std::fs::write(root.join("exercises").join(info.file()), "// mine\n")
        .unwrap();
    let e = exercise::reset(&root, &info).unwrap_err().to_string();
    assert!(e.contains("no starter for not_an_exercise"), "{e}");
    assert!(!root.join("exercises/.backups").exists());
    let _ = std::fs::remove_dir_all(&root);
}
