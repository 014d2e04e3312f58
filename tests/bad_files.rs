//! The bad-file corpus (`tests/corpus/`): broken lessons, exercise metadata, progress files
//! and traces, one small file per way to break. Each gives an error naming the file and the
//! line, in words, without a panic; the rest of the program goes on; nothing of the learner's
//! is lost or overwritten. Huge files are generated here into temp dirs, not committed.
//!
//! Every corpus file needs a row in its table below: a file without one fails
//! `every_corpus_file_has_an_expectation`, so the corpus cannot grow untested.

use asyncscope::exercise::{info, progress};
use asyncscope::lesson;
use asyncscope::trace::jsonl;
use asyncscope::tui::app::{App, Config};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

mod tmux;

/// What the right loader must make of a corpus file.
#[derive(Clone, Copy, Debug)]
enum Expect {
    /// It loads: editors write these (a byte-order mark, Windows line ends), and they are fine.
    Loads,
    /// An error on this line (`None`: about the file as a whole) whose text says all of these.
    Fails(Option<usize>, &'static [&'static str]),
}
use Expect::{Fails, Loads};

#[rustfmt::skip]
const LESSONS: &[(&str, Expect)] = &[
    ("bad_code_marker.md", Fails(Some(19), &["no lesson code for scenario `no-such-scenario`"])),
    ("duplicate_key.md", Fails(Some(5), &["duplicate key"])),
    ("empty.md", Fails(Some(1), &["must start with a `+++` line"])),
    ("empty_id.md", Fails(Some(2), &["the lesson id is empty"])),
    ("front_matter_never_closed.md", Fails(Some(17), &["front matter is never closed"])),
    ("invalid_utf8_in_body.md", Fails(Some(19), &["not valid UTF-8", "save it as UTF-8"])),
    ("invalid_utf8_in_front_matter.md", Fails(Some(5), &["not valid UTF-8"])),
    ("knob_value_is_a_table.md", Fails(Some(9), &["knob `mode`", "together | sequential"])),
    ("missing_id.md", Fails(Some(2), &["missing field `id`"])),
    ("missing_title.md", Fails(Some(2), &["missing field `title`"])),
    ("misspelt_key.md", Fails(Some(5), &["unknown field `sumary`", "`summary`"])),
    ("no_front_matter.md", Fails(Some(1), &["must start with a `+++` line"])),
    ("nul_byte_in_front_matter.md", Fails(Some(5), &["invalid basic string"])),
    ("ok_byte_order_mark.md", Loads),
    ("ok_crlf_line_ends.md", Loads),
    ("only_blank_lines.md", Fails(Some(1), &["must start with a `+++` line"])),
    ("order_is_negative.md", Fails(Some(4), &["`-1`"])),
    ("order_is_text.md", Fails(Some(4), &["\"ninety\""])),
    ("question_about_missing_run.md", Fails(Some(12), &["about run 3", "has 1 run"])),
    ("runs_is_a_string.md", Fails(Some(5), &["invalid type: string \"breakfast\""])),
    ("truncated_mid_string.md", Fails(Some(3), &["invalid basic string"])),
    ("truncated_mid_table.md", Fails(Some(6), &["unclosed array table"])),
    ("unknown_answer.md", Fails(Some(14), &["unknown answer `how_long`"])),
    ("unknown_scenario.md", Fails(Some(8), &["unknown scenario `brekfast`", "breakfast"])),
    ("utf16_with_bom.md", Fails(Some(1), &["not valid UTF-8"])),
];

#[rustfmt::skip]
const INFO: &[(&str, Expect)] = &[
    ("check_factor_is_nan.toml", Fails(Some(12), &["check `total_at_most`", "`factor` must be a number above 0, not NaN"])),
    ("check_negative_tolerance.toml", Fails(Some(12), &["check `marks_at`", "`tolerance` must be 0 or more"])),
    ("check_percentile_out_of_range.toml", Fails(Some(12), &["check `lag_below`", "`percentile` must be in (0, 100], not 500"])),
    ("duplicate_key.toml", Fails(Some(4), &["duplicate key"])),
    ("empty.toml", Fails(Some(1), &["missing field `exercise`"])),
    ("exercise_is_a_table.toml", Fails(Some(1), &["expected a sequence"])),
    ("exercise_listed_twice.toml", Fails(Some(30), &["`fetch_all` is listed twice"])),
    ("hints_is_a_string.toml", Fails(Some(6), &["\"Start them all first.\""])),
    ("invalid_utf8.toml", Fails(Some(5), &["not valid UTF-8"])),
    ("lesson_is_a_number.toml", Fails(Some(3), &["integer `1`", "expected a string"])),
    ("missing_checks.toml", Fails(Some(15), &["missing field `checks`"])),
    ("misspelt_key.toml", Fails(Some(5), &["unknown field `instruction`"])),
    ("name_not_snake_case.toml", Fails(Some(16), &["`Fetch-All` must be snake_case"])),
    ("no_exercises.toml", Fails(Some(1), &["missing field `exercise`"])),
    ("no_hints.toml", Fails(Some(16), &["`fetch_all` has no hints"])),
    ("nul_byte.toml", Fails(Some(8), &["invalid basic string"])),
    ("ok_byte_order_mark.toml", Loads),
    ("ok_crlf_line_ends.toml", Loads),
    ("time_limit_is_text.toml", Fails(Some(4), &["\"ten\""])),
    ("time_limit_too_long.toml", Fails(Some(16), &["time_limit_s must be in 0..=120"])),
    ("truncated_mid_array.toml", Fails(Some(7), &["unclosed array"])),
    ("truncated_mid_string.toml", Fails(Some(5), &["invalid basic string"])),
    ("unknown_check.toml", Fails(Some(12), &["unknown variant `no_leakz`", "`no_leaks`"])),
    ("utf16_with_bom.toml", Fails(Some(1), &["not valid UTF-8"])),
];

#[rustfmt::skip]
const PROGRESS: &[(&str, Expect)] = &[
    ("current_is_a_number.json", Fails(Some(6), &["integer `2`", "expected a string"])),
    ("duplicate_key.json", Fails(Some(6), &["duplicate field `passed`"])),
    ("empty.json", Fails(Some(1), &["the file is empty"])),
    ("invalid_utf8.json", Fails(Some(6), &["not UTF-8 text"])),
    ("missing_passed.json", Fails(Some(3), &["missing field `passed`"])),
    ("not_json.json", Fails(Some(1), &["not valid JSON"])),
    ("nul_bytes.json", Fails(Some(1), &["not valid JSON"])),
    ("ok_byte_order_mark.json", Loads),
    ("ok_crlf_line_ends.json", Loads),
    ("ok_unknown_field.json", Loads),
    ("only_whitespace.json", Fails(Some(1), &["the file is empty"])),
    ("passed_is_a_list.json", Fails(Some(2), &["expected a map"])),
    ("passed_value_is_text.json", Fails(Some(3), &["\"yes\"", "expected a boolean"])),
    ("top_level_array.json", Fails(Some(2), &["expected a map"])),
    ("trailing_comma.json", Fails(Some(5), &["not valid JSON", "trailing comma"])),
    ("trailing_garbage.json", Fails(Some(8), &["trailing characters"])),
    ("truncated_after_a_line.json", Fails(Some(4), &["ends too early"])),
    ("truncated_mid_line.json", Fails(Some(4), &["ends too early"])),
    ("utf16_with_bom.json", Fails(Some(1), &["not UTF-8 text"])),
];

#[rustfmt::skip]
const TRACES: &[(&str, Expect)] = &[
    ("all_nul_bytes.jsonl", Fails(Some(1), &["not an asyncscope trace", "--save-trace"])),
    ("chrome_export.json", Fails(Some(1), &["not an asyncscope trace"])),
    ("empty.jsonl", Fails(None, &["the file is empty"])),
    ("event_about_undefined_task.jsonl", Fails(Some(6), &["refers to task 9", "not defined"])),
    ("event_bad_outcome_flag.jsonl", Fails(Some(13), &["unknown flag 99"])),
    ("event_duplicate_key.jsonl", Fails(Some(6), &["duplicate field `w`"])),
    ("event_kind_unknown.jsonl", Fails(Some(6), &["unknown event kind \"poll_begin\""])),
    ("event_missing_field.jsonl", Fails(Some(6), &["missing field `a`"])),
    ("event_on_undefined_thread.jsonl", Fails(Some(6), &["refers to thread 4"])),
    ("event_time_is_text.jsonl", Fails(Some(6), &["\"2000\""])),
    ("event_time_negative.jsonl", Fails(Some(6), &["`-2000`"])),
    ("header_clock_unknown.jsonl", Fails(Some(1), &["`sundial`", "`real` or `paused`"])),
    ("header_missing_scenario.jsonl", Fails(Some(1), &["missing field `scenario`"])),
    ("invalid_utf8.jsonl", Fails(Some(5), &["not UTF-8"])),
    ("newer_version.jsonl", Fails(Some(1), &["version 7", "newer asyncscope"])),
    ("no_version.jsonl", Fails(Some(1), &["no \"version\""])),
    ("nul_bytes_in_a_line.jsonl", Fails(Some(5), &["invalid JSON", "damaged"])),
    ("ok_byte_order_mark.jsonl", Loads),
    ("ok_crlf_line_ends.jsonl", Loads),
    ("ok_header_only.jsonl", Loads),
    ("ok_no_final_newline.jsonl", Loads),
    ("only_blank_lines.jsonl", Fails(None, &["the file is empty"])),
    ("other_format.jsonl", Fails(Some(1), &["\"chrome-trace\""])),
    ("record_is_an_array.jsonl", Fails(Some(4), &["a JSON object with a \"t\" field"])),
    ("record_type_unknown.jsonl", Fails(Some(3), &["unknown record type \"tsk\""])),
    ("record_without_type.jsonl", Fails(Some(3), &["\"t\" field"])),
    ("summary_export.json", Fails(Some(1), &["not an asyncscope trace"])),
    ("task_defined_twice.jsonl", Fails(Some(4), &["task 0 is defined twice"])),
    ("task_kind_unknown.jsonl", Fails(Some(4), &["unknown variant `thread`"])),
    ("truncated_mid_header.jsonl", Fails(Some(1), &["not an asyncscope trace"])),
    ("truncated_mid_line.jsonl", Fails(Some(8), &["the file may be cut"])),
    ("two_traces_concatenated.jsonl", Fails(Some(14), &["two traces were joined"])),
    ("utf16_with_bom.jsonl", Fails(Some(1), &["not UTF-8"])),
    ("values_not_an_object.jsonl", Fails(Some(13), &["bad values line"])),
    ("version_is_text.jsonl", Fails(Some(1), &["no \"version\" number"])),
    ("version_zero.jsonl", Fails(Some(1), &["version 0", "no longer supported"])),
];

const FOLDERS: &[(&str, &[(&str, Expect)])] = &[
    ("lessons", LESSONS),
    ("info", INFO),
    ("progress", PROGRESS),
    ("trace", TRACES),
];

fn corpus(folder: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(folder)
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh folder in the temp dir, removed with everything in it when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "asyncscope-bad-files-{}-{}-{name}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Calls `load`, turning a panic into a failure that names the file.
fn no_panic<T>(name: &str, load: impl FnOnce() -> T) -> T {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(load))
        .unwrap_or_else(|_| panic!("{name}: the loader panicked"))
}

/// `text` names `file` and says each phrase.
/// An error from a `FILE:LINE: message` loader: on the expected line, saying `says`.
fn assert_error_at(
    name: &str,
    path: &Path,
    expected: Option<usize>,
    line: usize,
    shown: &str,
    says: &[&str],
) {
    assert_eq!(Some(line), expected, "{name}: {shown}");
    assert!(
        shown.starts_with(&format!("{}:{line}: ", path.display())),
        "{name}: {shown}"
    );
    assert_says(name, shown, path, says);
}

fn assert_says(name: &str, text: &str, file: &Path, says: &[&str]) {
    assert!(
        text.contains(&file.display().to_string()),
        "{name}: the error does not name the file:\n{text}"
    );
    for phrase in says {
        assert!(text.contains(phrase), "{name}: no {phrase:?} in:\n{text}");
    }
}

/// A root with the layout the exercise commands expect: `exercises/info.toml` (the real one)
/// beside a learner's file that must never be touched.
/// A learner folder with one exercise file: the exercises' package (no dependencies) and
/// `exercises/fetch_all.rs`.
fn exercise_root(name: &str) -> TempDir {
    let root = TempDir::new(name);
    let ex = root.path().join("exercises");
    std::fs::create_dir_all(&ex).unwrap();
    std::fs::write(
        root.path().join("Cargo.toml"),
        "[package]\nname = \"asyncscope-exercises\"\nversion = \"0.0.0\"\n\
         edition = \"2021\"\n\n[[bin]]\nname = \"fetch_all\"\n\
         path = \"exercises/fetch_all.rs\"\n\n[workspace]\n",
    )
    .unwrap();
    std::fs::write(ex.join("fetch_all.rs"), LEARNER_FILE).unwrap();
    root
}

/// The learner's work: a program that is not finished yet.
const LEARNER_FILE: &str = "// my attempt, not done yet\nfn main() {\n    println!(\"soon\");\n}\n";

/// The learner's exercise file in `root` is exactly as they left it.
fn assert_learner_file_untouched(root: &TempDir) {
    let file = root.path().join("exercises/fetch_all.rs");
    assert_eq!(std::fs::read_to_string(file).unwrap(), LEARNER_FILE);
}

fn asyncscope(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_asyncscope"))
        .current_dir(dir)
        .args(args)
        .env_remove("TOKIO_CONSOLE_BIND")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

// ---------------------------------------------------------------------------------------------
// The corpus

#[test]
fn every_corpus_file_has_an_expectation() {
    let mut total = 0;
    for (folder, table) in FOLDERS {
        let on_disk: BTreeSet<String> = std::fs::read_dir(corpus(folder))
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                total += e.metadata().unwrap().len();
                e.file_name().to_string_lossy().into_owned()
            })
            .collect();
        let listed: BTreeSet<String> =
            table.iter().map(|(n, _)| n.to_string()).collect();
        assert_eq!(listed.len(), table.len(), "{folder}: a name twice");
        let untested: Vec<_> = on_disk.difference(&listed).collect();
        let missing: Vec<_> = listed.difference(&on_disk).collect();
        assert!(
            untested.is_empty(),
            "tests/corpus/{folder}: no expectation for {untested:?}: add a row to the table"
        );
        assert!(
            missing.is_empty(),
            "tests/corpus/{folder}: {missing:?} are in the table but not on disk"
        );
    }
    // Big files are generated by the tests; the committed corpus stays small.
    assert!(total < 100 * 1024, "the corpus is {total} bytes");
}

#[test]
fn broken_lessons_say_file_line_and_what_is_wrong() {
    for &(name, expect) in LESSONS {
        let path = corpus("lessons").join(name);
        let bytes = std::fs::read(&path).unwrap();
        let result = no_panic(name, || lesson::parse(&path, &bytes));
        match (expect, result) {
            (Loads, Ok(l)) => {
                // Nothing of the BOM or the \r leaks into what was read.
                assert_eq!(l.id, "90", "{name}");
                assert_eq!(l.title, "A lesson from the corpus", "{name}");
                assert_eq!(l.summary, "One sentence.", "{name}");
                assert_eq!((l.runs.len(), l.questions.len()), (1, 1));
                assert!(l.body.starts_with("# A lesson\n"), "{name}");
            }
            (Fails(line, says), Err(e)) => assert_error_at(
                name,
                &path,
                line,
                e.line,
                &e.to_string(),
                says,
            ),
            (expect, got) => panic!(
                "{name}: expected {expect:?}, got {:?}",
                got.map(|l| l.id)
            ),
        }
    }
}

#[test]
fn broken_exercise_metadata_says_file_line_and_what_is_wrong() {
    for &(name, expect) in INFO {
        let path = corpus("info").join(name);
        match (expect, no_panic(name, || info::load(&path))) {
            (Loads, Ok(infos)) => {
                let names: Vec<&str> =
                    infos.iter().map(|i| i.name.as_str()).collect();
                assert_eq!(names[0], "fetch_all", "{name}");
                assert_eq!(infos[0].hints.len(), 2, "{name}");
                assert_eq!(
                    infos[0].instructions,
                    "Fetch ten pages concurrently."
                );
            }
            (Fails(line, says), Err(e)) => assert_error_at(
                name,
                &path,
                line,
                e.line,
                &e.to_string(),
                says,
            ),
            (expect, got) => panic!(
                "{name}: expected {expect:?}, got {:?}",
                got.map(|i| i.len())
            ),
        }
    }
}

#[test]
fn damaged_progress_is_named_kept_byte_for_byte_and_progress_goes_on() {
    let good = progress::Progress {
        passed: [
            ("fetch_all".into(), true),
            ("forgot_to_await".into(), false),
        ]
        .into(),
        current: Some("forgot_to_await".into()),
        ..Default::default()
    };
    for &(name, expect) in PROGRESS {
        let root = exercise_root("progress");
        let file = progress::path(root.path());
        let aside = file.with_file_name(".progress.json.damaged");
        let original =
            std::fs::read(corpus("progress").join(name)).unwrap();
        std::fs::write(&file, &original).unwrap();
        let (loaded, warning) =
            no_panic(name, || progress::load(root.path()));
        match expect {
            Loads => {
                assert_eq!(warning, None, "{name}");
                assert_eq!(loaded, good, "{name}");
                assert_eq!(
                    std::fs::read(&file).unwrap(),
                    original,
                    "{name}"
                );
                assert!(!aside.exists(), "{name}");
            }
            Fails(line, says) => {
                let warning =
                    warning.unwrap_or_else(|| panic!("{name}: no warning"));
                assert_eq!(loaded, progress::Progress::default(), "{name}");
                let line = line.expect("a progress error has a line");
                assert!(
                    warning.contains(&format!("(line {line}")),
                    "{name}: not line {line}: {warning}"
                );
                assert_says(name, &warning, &file, says);
                assert!(
                    warning.contains(&aside.display().to_string()),
                    "{name}: {warning}"
                );
                // Kept as it was; the real name is free for new progress.
                assert_eq!(
                    std::fs::read(&aside).unwrap(),
                    original,
                    "{name}"
                );
                assert!(!file.exists(), "{name}");
                progress::save(root.path(), &good).unwrap();
                assert_eq!(
                    progress::load(root.path()),
                    (good.clone(), None)
                );
                assert_eq!(
                    std::fs::read(&aside).unwrap(),
                    original,
                    "{name}"
                );
            }
        }
        assert_learner_file_untouched(&root);
    }
}

#[test]
fn broken_traces_say_file_line_and_what_is_wrong() {
    for &(name, expect) in TRACES {
        let path = corpus("trace").join(name);
        let strict = no_panic(name, || jsonl::load(&path));
        let lenient = no_panic(name, || jsonl::load_lenient(&path));
        match (expect, strict) {
            (Loads, Ok(trace)) => {
                let events =
                    if name == "ok_header_only.jsonl" { 0 } else { 8 };
                assert_eq!(trace.events.len(), events, "{name}");
                assert_eq!(trace.header.scenario, "breakfast", "{name}");
                let (same, damage) = lenient.unwrap();
                assert!(damage.is_none() && same == trace, "{name}");
            }
            (Fails(line, says), Err(e)) => {
                let shown = e.to_string();
                assert_eq!(e.line, line, "{name}: {shown}");
                let at = match line {
                    Some(l) => format!("{}: line {l}: ", path.display()),
                    None => format!("{}: ", path.display()),
                };
                assert!(shown.starts_with(&at), "{name}: {shown}");
                assert_says(name, &shown, &path, says);
                // The lenient reader stops at the same place, with what came before.
                let lenient = match lenient {
                    Ok((_, Some(damage))) => damage.to_string(),
                    Err(e) => e.to_string(),
                    Ok((_, None)) => panic!("{name}: lenient read it all"),
                };
                assert_eq!(lenient, shown, "{name}");
            }
            (expect, got) => panic!(
                "{name}: expected {expect:?}, got {:?}",
                got.map(|t| t.events.len())
            ),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Huge files, generated

/// A `len`-byte line of `x`s.
fn huge(len: usize) -> String {
    "x".repeat(len)
}

#[test]
fn huge_lessons_and_metadata_are_refused_by_line() {
    let dir = TempDir::new("huge");
    // A 10 MB front matter value (line 3) and a 50 MB Markdown line (line 8).
    let value = format!(
        "+++\nid = \"90\"\ntitle = \"{}\"\norder = 90\n+++\n# Big\n",
        huge(10 << 20)
    );
    let line = format!(
        "+++\nid = \"90\"\ntitle = \"t\"\norder = 90\n+++\n# Big\n\n{}\n",
        huge(50 << 20)
    );
    for (name, content, at) in
        [("90-value.md", value, 3), ("91-line.md", line, 8)]
    {
        let path = dir.path().join(name);
        std::fs::write(&path, &content).unwrap();
        let e = lesson::parse(&path, content.as_bytes()).unwrap_err();
        assert_eq!(e.line, at, "{e}");
        assert_says(name, &e.to_string(), &path, &["larger than 1 MiB"]);
        // Read from the folder (bounded), the same error.
        let (lessons, errors) = lesson::load_all(dir.path());
        assert!(lessons.is_empty());
        assert!(errors.iter().any(|x| x == &e), "{errors:?}");
        std::fs::remove_file(&path).unwrap();
    }

    let toml = format!(
        "[[exercise]]\nname = \"fetch_all\"\nlesson = \"01\"\nhints = [\"h\"]\n\
         instructions = \"{}\"\nchecks = [{{ check = \"finishes\" }}]\n",
        huge(10 << 20)
    );
    let path = dir.path().join("info.toml");
    std::fs::write(&path, toml).unwrap();
    let e = info::load(&path).unwrap_err();
    assert_eq!(e.line, 5, "{e}");
    assert_says("info.toml", &e.to_string(), &path, &["larger than 1 MiB"]);
}

#[test]
fn a_huge_progress_file_is_damaged_and_kept() {
    let root = exercise_root("huge-progress");
    let file = progress::path(root.path());
    let original =
        format!("{{\"passed\": {{\"{}\": true}}}}\n", huge(50 << 20));
    std::fs::write(&file, &original).unwrap();
    let (p, warning) = progress::load(root.path());
    assert_eq!(p, progress::Progress::default());
    let warning = warning.expect("a warning");
    assert_says("progress", &warning, &file, &["larger than 1 MiB"]);
    let aside = file.with_file_name(".progress.json.damaged");
    assert!(std::fs::read(aside).unwrap() == original.as_bytes());
}

#[test]
fn a_huge_trace_line_is_refused_by_line_and_what_came_before_is_kept() {
    let dir = TempDir::new("huge-trace");
    let path = dir.path().join("huge.jsonl");
    let good =
        std::fs::read_to_string(corpus("trace/ok_crlf_line_ends.jsonl"))
            .unwrap();
    let head: Vec<&str> = good.lines().take(5).collect();
    let content = format!(
        "{}\n{{\"t\":\"string\",\"i\":0,\"s\":\"{}\"}}\n",
        head.join("\n"),
        huge(50 << 20)
    );
    std::fs::write(&path, content).unwrap();
    let e = jsonl::load(&path).unwrap_err();
    assert_eq!(e.line, Some(6), "{e}");
    assert_says(
        "huge.jsonl",
        &e.to_string(),
        &path,
        &["longer than 1 MiB"],
    );
    let (trace, damage) = jsonl::load_lenient(&path).unwrap();
    assert_eq!(damage.map(|d| d.line), Some(Some(6)));
    assert_eq!((trace.tasks.len(), trace.events.len()), (2, 1));
}

// ---------------------------------------------------------------------------------------------
// The rest of the program works

#[test]
fn broken_lessons_among_good_ones_leave_the_others_listed_and_readable() {
    let dir = TempDir::new("lessons");
    let lessons = dir.path().join("lessons");
    std::fs::create_dir_all(&lessons).unwrap();
    for e in std::fs::read_dir(repo().join("lessons")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), lessons.join(e.file_name())).unwrap();
    }
    let (good, errors) = lesson::load_all(&lessons);
    assert!(errors.is_empty() && good.len() >= 15, "{errors:?}");
    // Every broken one, named as a lesson file so the loader picks it up.
    let mut broken = Vec::new();
    for &(name, expect) in LESSONS {
        if let Fails(Some(line), _) = expect {
            let as_lesson = format!("90-{name}");
            std::fs::copy(
                corpus("lessons").join(name),
                lessons.join(&as_lesson),
            )
            .unwrap();
            broken.push((as_lesson, line));
        }
    }

    let o = asyncscope(dir.path(), &["lessons"]);
    let (out, err) = (text(&o.stdout), text(&o.stderr));
    assert_eq!(o.status.code(), Some(1), "{err}");
    for l in &good {
        let row = format!("{:>3}  {}", l.id, l.title);
        assert!(out.contains(&row), "{row} missing:\n{out}");
    }
    for (file, line) in &broken {
        let at = format!("lessons/{file}:{line}: ");
        assert!(err.contains(&at), "{at} missing:\n{err}");
    }

    let o = asyncscope(dir.path(), &["lesson", "01", "--width", "80"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).starts_with("Lesson 01 · "));

    // The TUI loads the same: every good lesson, each broken one reported.
    let app = App::new(Config {
        lessons_dir: lessons.clone(),
        root: dir.path().to_path_buf(),
        progress_file: None,
        ..Config::for_tests()
    });
    // (and the asyncio ↔ tokio page, listed last, which is not a numbered lesson)
    let numbered = app
        .lessons
        .iter()
        .filter(|l| l.id != asyncscope::lesson::ASYNCIO_PAGE)
        .count();
    assert_eq!(numbered, good.len());
    assert_eq!(app.lesson_errors.len(), broken.len());
}

#[test]
fn a_damaged_progress_file_does_not_stop_the_exercise_list() {
    for name in ["truncated_mid_line.json", "invalid_utf8.json"] {
        let root = exercise_root("exercises");
        let file = progress::path(root.path());
        let original =
            std::fs::read(corpus("progress").join(name)).unwrap();
        std::fs::write(&file, &original).unwrap();

        let o = asyncscope(root.path(), &["exercises"]);
        let (out, err) = (text(&o.stdout), text(&o.stderr));
        assert!(o.status.success(), "{name}: {err}");
        assert!(err.contains(
            "warning: ./exercises/.progress.json is damaged (line"
        ));
        assert!(out.contains("· fetch_all"), "{name}:\n{out}");
        let aside = file.with_file_name(".progress.json.damaged");
        assert_eq!(std::fs::read(aside).unwrap(), original, "{name}");
        assert_learner_file_untouched(&root);
    }
}

/// `check` builds the learner's file with cargo: a workspace of one tiny package stands in for
/// the exercises crate, so the check really builds, runs and grades it (it fails: the program
/// hands back no trace) and saves progress, all in a temp copy.
#[test]
fn check_runs_past_damaged_progress_and_keeps_every_damaged_file() {
    let root = exercise_root("check");
    let file = progress::path(root.path());
    let check = || {
        Command::new(env!("CARGO_BIN_EXE_asyncscope"))
            .current_dir(root.path())
            .args(["check", "fetch_all"])
            // Its own target dir: nothing of the shared one is touched.
            .env("CARGO_TARGET_DIR", root.path().join("target"))
            .stdin(Stdio::null())
            .output()
            .expect("the binary runs")
    };
    let mut kept = Vec::new();
    for (n, name) in ["empty.json", "passed_value_is_text.json"]
        .into_iter()
        .enumerate()
    {
        let original =
            std::fs::read(corpus("progress").join(name)).unwrap();
        std::fs::write(&file, &original).unwrap();
        let o = check();
        let (out, err) = (text(&o.stdout), text(&o.stderr));
        assert_eq!(o.status.code(), Some(1), "{name}: {out}\n{err}");
        assert!(out.starts_with("fetch_all — ✗ not yet"), "{out}\n{err}");
        assert!(err.contains("is damaged (line"), "{name}: {err}");
        // The second damaged file is numbered: the first is not replaced.
        let aside = file.with_file_name(match n {
            0 => ".progress.json.damaged".to_string(),
            n => format!(".progress.json.damaged.{}", n + 1),
        });
        assert!(
            err.contains(&format!(
                "kept as ./exercises/{}",
                aside.file_name().unwrap().to_string_lossy()
            )),
            "{err}"
        );
        kept.push((aside, original));
        for (aside, original) in &kept {
            assert_eq!(&std::fs::read(aside).unwrap(), original, "{name}");
        }
        // Progress goes on in a fresh file.
        let (p, warning) = progress::load(root.path());
        assert_eq!(warning, None);
        assert_eq!(p.passed.get("fetch_all"), Some(&false));
        assert_eq!(p.current.as_deref(), Some("fetch_all"));
    }
    assert_learner_file_untouched(&root);
}

#[test]
fn broken_traces_given_to_run_and_open_exit_non_zero_without_a_screen() {
    let dir = TempDir::new("traces");
    for &(name, expect) in TRACES {
        let path = corpus("trace").join(name);
        let arg = path.to_str().unwrap();
        let load = asyncscope(dir.path(), &["run", "--load", arg]);
        let open = asyncscope(dir.path(), &["--open", arg]);
        // No TUI: nothing at all (not even a screen switch) on stdout.
        assert!(open.stdout.is_empty(), "{name}: {:?}", text(&open.stdout));
        match expect {
            Loads => {
                assert!(load.status.success(), "{name}");
                // Fine, but a pipe is no place for the TUI: a usage error, said plainly.
                assert_eq!(open.status.code(), Some(2), "{name}");
                assert!(text(&open.stderr).contains("needs a terminal"));
            }
            Fails(line, _) => {
                let at = match line {
                    Some(l) => format!("error: {arg}: line {l}: "),
                    None => format!("error: {arg}: "),
                };
                for (how, o) in [("run --load", &load), ("--open", &open)] {
                    let err = text(&o.stderr);
                    assert_eq!(
                        o.status.code(),
                        Some(1),
                        "{name} {how}: {err}"
                    );
                    assert!(err.contains(&at), "{name} {how}: {err}");
                    assert!(
                        !err.contains("panicked"),
                        "{name} {how}: {err}"
                    );
                }
            }
        }
    }
}

/// The checks are built into the binary: an `exercises/info.toml` in the learner's folder,
/// broken or rewritten so every check is `finishes`, changes nothing.
#[test]
fn a_rewritten_info_toml_changes_no_check() {
    let root = exercise_root("info");
    let info_toml = root.path().join("exercises/info.toml");
    for planted in [
        std::fs::read_to_string(corpus("info/unknown_check.toml")).unwrap(),
        "[[exercises]]\nname = \"fetch_all\"\nlesson = \"01\"\n\
         checks = [{ check = \"finishes\" }]\n"
            .to_string(),
    ] {
        std::fs::write(&info_toml, planted).unwrap();
        let o = asyncscope(root.path(), &["exercises"]);
        assert!(o.status.success(), "{}", text(&o.stderr));
        assert!(
            text(&o.stdout).contains("· dashboard"),
            "{}",
            text(&o.stdout)
        );
        let o = asyncscope(root.path(), &["hint", "fetch_all", "--all"]);
        assert!(o.status.success(), "{}", text(&o.stderr));
    }
    let app = App::new(Config {
        root: root.path().to_path_buf(),
        progress_file: Some(root.path().join("exercises/.lessons.json")),
        ..Config::for_tests()
    });
    assert_eq!(
        app.exercises.len(),
        asyncscope::exercise::info::builtin().len()
    );
    let fetch_all = app
        .exercises
        .iter()
        .find(|i| i.name == "fetch_all")
        .unwrap();
    assert!(fetch_all.checks.len() > 1, "{:?}", fetch_all.checks);
}

/// In a real terminal (tmux), `--open` on a trace damaged past its header shows what was read,
/// says where the damage is, and after quitting repeats it on stderr and exits 1.
#[test]
fn a_damaged_trace_opens_in_a_terminal_and_exits_1() {
    tmux::Tmux::require();
    let dir = TempDir::new("open");
    let t = tmux::Tmux::start(
        "bad-open",
        repo(),
        120,
        30,
        "exec env 'PS1=E2E$ ' TERM=xterm-256color sh",
    );
    let patience = std::time::Duration::from_secs(20);
    t.wait_for("E2E$", patience);
    let stderr = dir.path().join("stderr");
    t.type_line(&format!(
        "ASYNCSCOPE_LESSON_PROGRESS={} {} --open \
         tests/corpus/trace/event_about_undefined_task.jsonl 2>{}; \
         echo EXIT-$?",
        dir.path().join("lessons.json").display(),
        env!("CARGO_BIN_EXE_asyncscope"),
        stderr.display()
    ));
    let screen = t.wait_for("line 6: the poll_start event", patience);
    assert!(t.alternate_on(), "{screen}");
    t.keys(&["q"]);
    t.wait_for("EXIT-1", patience);
    let err = std::fs::read_to_string(stderr).unwrap();
    assert!(
        err.contains(
            "error: tests/corpus/trace/event_about_undefined_task.jsonl: \
             line 6: "
        ),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// Nothing of the learner's is lost

#[test]
fn every_damaged_progress_file_is_kept_none_replaced() {
    let root = exercise_root("numbered");
    let file = progress::path(root.path());
    let names = ["empty.json", "not_json.json", "invalid_utf8.json"];
    for name in names {
        std::fs::copy(corpus("progress").join(name), &file).unwrap();
        let (_, warning) = progress::load(root.path());
        assert!(warning.is_some(), "{name}");
    }
    for (i, name) in names.iter().enumerate() {
        let aside = match i {
            0 => file.with_file_name(".progress.json.damaged"),
            i => file.with_file_name(format!(
                ".progress.json.damaged.{}",
                i + 1
            )),
        };
        assert_eq!(
            std::fs::read(&aside).unwrap(),
            std::fs::read(corpus("progress").join(name)).unwrap(),
            "{}",
            aside.display()
        );
    }
}

#[test]
fn save_never_replaces_a_damaged_file() {
    // Damaged after it was loaded (edited by hand while watch ran, say): save sets it aside.
    let root = exercise_root("save");
    let file = progress::path(root.path());
    let original =
        std::fs::read(corpus("progress/trailing_comma.json")).unwrap();
    std::fs::write(&file, &original).unwrap();
    let mine = progress::Progress {
        current: Some("fetch_all".into()),
        ..Default::default()
    };
    progress::save(root.path(), &mine).unwrap();
    assert_eq!(progress::load(root.path()), (mine, None));
    let aside = file.with_file_name(".progress.json.damaged");
    assert_eq!(std::fs::read(aside).unwrap(), original);
}

#[test]
fn an_unreadable_progress_file_is_damaged_not_no_progress() {
    // A folder where the file should be: it cannot be read, and is not taken for "no progress".
    let root = exercise_root("unreadable");
    let file = progress::path(root.path());
    std::fs::create_dir(&file).unwrap();
    std::fs::write(file.join("notes.txt"), "mine").unwrap();
    let (p, warning) = progress::load(root.path());
    assert_eq!(p, progress::Progress::default());
    let warning = warning.expect("a warning");
    assert_says("folder", &warning, &file, &["cannot be read"]);
    let aside = file.with_file_name(".progress.json.damaged");
    assert_eq!(
        std::fs::read_to_string(aside.join("notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn the_tui_keeps_damaged_lesson_progress_and_says_so() {
    let root = exercise_root("tui");
    let file = root.path().join("exercises/.lessons.json");
    let original =
        std::fs::read(corpus("progress/truncated_mid_line.json")).unwrap();
    std::fs::write(&file, &original).unwrap();
    let mut app = App::new(Config {
        root: root.path().to_path_buf(),
        progress_file: Some(file.clone()),
        ..Config::for_tests()
    });
    let status = app.status.clone().expect("a status line");
    assert_says("tui", &status, &file, &["is damaged (line 4"]);
    // Reading a lesson saves lesson progress: a fresh file, the damaged one kept.
    app.open_lesson(0);
    let aside = file.with_file_name(".lessons.json.damaged");
    assert_eq!(std::fs::read(aside).unwrap(), original);
    let saved = std::fs::read_to_string(&file).unwrap();
    assert!(saved.contains(&app.lessons[0].id), "{saved}");
}
