//! The three parsers (lesson front matter, exercises' info.toml, trace
//! files) under property tests: CI's stand-in for the cargo-fuzz targets in
//! fuzz/, which need nightly flags. The properties are the fuzz targets'
//! own (fuzz/props.rs). Inputs: arbitrary bytes and text, structured
//! mutations of the real files, and every crash the fuzzers found
//! (tests/fuzz_regressions/<target>/).
//!
//! Cases and seed are fixed, so every run checks the same inputs and a
//! failure reproduces by running the test again. For a longer or different
//! run: `PROPTEST_CASES=5000 PROPTEST_RNG_SEED=7 cargo test --test
//! parsers_proptest`.

#[path = "../fuzz/props.rs"]
mod props;

use asyncscope::scenarios::{self, RunOptions};
use asyncscope::trace::jsonl;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::{Config, RngSeed, TestRunner};
use std::fmt;
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `check` on `cases` inputs from `strategy`; a failure panics with
/// the smallest failing input proptest finds.
fn check<S: Strategy>(cases: u32, strategy: S, check: impl Fn(S::Value)) {
    let mut config = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = cases;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = RngSeed::Fixed(0x00A5_5C0E);
    }
    // The fixed seed reproduces a failure; nothing is written to the tree.
    config.failure_persistence = None;
    let mut runner = TestRunner::new(config);
    if let Err(e) = runner.run(&strategy, |input| {
        check(input);
        Ok(())
    }) {
        panic!("{e}");
    }
}

/// An input, shown as escaped text when a case fails.
#[derive(Clone)]
struct Input(Vec<u8>);

impl fmt::Debug for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "b\"{}\"", self.0.escape_ascii())
    }
}

// ---------------------------------------------------------------------
// Structured mutations of real files

#[derive(Clone, Copy, Debug)]
enum Syntax {
    Toml,
    Json,
}

/// Values of every TOML / JSON type, and numbers at the edges of the
/// fields' integer types.
const TOML_VALUES: &[&str] = &[
    "\"\"",
    "\"text\"",
    "'''a\nb'''",
    "0",
    "-1",
    "4294967296",
    "1.5",
    "-0.0",
    "nan",
    "inf",
    "1e400",
    "true",
    "1979-05-27T07:32:00Z",
    "[]",
    "[1, \"a\"]",
    "{ }",
    "{ x = 1 }",
    "",
];
const JSON_VALUES: &[&str] = &[
    "\"\"",
    "\"x\"",
    "\"\\ud800\"",
    "0",
    "-1",
    "255",
    "256",
    "65536",
    "4294967296",
    "18446744073709551616",
    "1e9",
    "1e999",
    "-0",
    "0.1",
    "null",
    "true",
    "[]",
    "{}",
    "",
];

#[derive(Clone, Debug)]
enum Edit {
    Truncate(Index),
    FlipBit(Index, u8),
    Set(Index, u8),
    Insert(Index, u8),
    Delete(Index),
    DuplicateLine(Index),
    DropLine(Index),
    SwapLines(Index, Index),
    /// Give the value after the n-th `=` (TOML) or `:` (JSON) another type.
    Retype(Index, Index),
}

fn byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        any::<u8>(),
        select(b"\n\r\t \"'=:,.+-#[]{}\\0129eEtfn\xff\x80\xc3".to_vec()),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    let i = any::<Index>;
    prop_oneof![
        i().prop_map(Edit::Truncate),
        (i(), 0..8u8).prop_map(|(i, bit)| Edit::FlipBit(i, bit)),
        (i(), byte()).prop_map(|(i, b)| Edit::Set(i, b)),
        (i(), byte()).prop_map(|(i, b)| Edit::Insert(i, b)),
        i().prop_map(Edit::Delete),
        i().prop_map(Edit::DuplicateLine),
        i().prop_map(Edit::DropLine),
        (i(), i()).prop_map(|(a, b)| Edit::SwapLines(a, b)),
        (i(), i()).prop_map(|(at, v)| Edit::Retype(at, v)),
    ]
}

/// Line `i` of `bytes` as a range, its newline included.
fn line_ranges(bytes: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let mut start = 0;
    for (at, &b) in bytes.iter().enumerate() {
        if b == b'\n' {
            ranges.push(start..at + 1);
            start = at + 1;
        }
    }
    if start < bytes.len() {
        ranges.push(start..bytes.len());
    }
    ranges
}

fn apply(mut bytes: Vec<u8>, edit: &Edit, syntax: Syntax) -> Vec<u8> {
    if bytes.is_empty() {
        if let Edit::Insert(_, b) = edit {
            bytes.push(*b);
        }
        return bytes;
    }
    let len = bytes.len();
    let lines = line_ranges(&bytes);
    match edit {
        Edit::Truncate(i) => bytes.truncate(i.index(len)),
        Edit::FlipBit(i, bit) => bytes[i.index(len)] ^= 1 << bit,
        Edit::Set(i, b) => bytes[i.index(len)] = *b,
        Edit::Insert(i, b) => bytes.insert(i.index(len + 1), *b),
        Edit::Delete(i) => {
            bytes.remove(i.index(len));
        }
        Edit::DuplicateLine(i) => {
            let line = lines[i.index(lines.len())].clone();
            let copy = bytes[line.clone()].to_vec();
            bytes.splice(line.start..line.start, copy);
        }
        Edit::DropLine(i) => {
            bytes.drain(lines[i.index(lines.len())].clone());
        }
        Edit::SwapLines(a, b) => {
            let (a, b) = (a.index(lines.len()), b.index(lines.len()));
            let (a, b) = (&lines[a.min(b)], &lines[a.max(b)]);
            if a != b {
                let mut out = bytes[..a.start].to_vec();
                out.extend_from_slice(&bytes[b.clone()]);
                out.extend_from_slice(&bytes[a.end..b.start]);
                out.extend_from_slice(&bytes[a.clone()]);
                out.extend_from_slice(&bytes[b.end..]);
                bytes = out;
            }
        }
        Edit::Retype(at, value) => {
            let (sep, ends, values): (u8, &[u8], _) = match syntax {
                Syntax::Toml => (b'=', b"\n", TOML_VALUES),
                Syntax::Json => (b':', b",}\n", JSON_VALUES),
            };
            let seps: Vec<usize> =
                (0..len).filter(|&i| bytes[i] == sep).collect();
            if !seps.is_empty() {
                let start = seps[at.index(seps.len())] + 1;
                let end = (start..len)
                    .find(|&i| ends.contains(&bytes[i]))
                    .unwrap_or(len);
                let new = values[value.index(values.len())];
                let new = match syntax {
                    Syntax::Toml => format!(" {new}"),
                    Syntax::Json => new.to_string(),
                };
                bytes.splice(start..end, new.into_bytes());
            }
        }
    }
    bytes
}

/// One of `files` with one to four edits.
fn mutated(
    files: Vec<Vec<u8>>,
    syntax: Syntax,
) -> impl Strategy<Value = Input> {
    (select(files), prop::collection::vec(edit(), 1..=4)).prop_map(
        move |(file, edits)| {
            Input(
                edits.iter().fold(file, |bytes, e| apply(bytes, e, syntax)),
            )
        },
    )
}

fn bytes(max: usize) -> impl Strategy<Value = Input> {
    prop::collection::vec(byte(), 0..max).prop_map(Input)
}

/// TOML-looking lines in any order: `+++`, tables, keys the files use
/// with values of any type, and arbitrary text.
fn toml_ish(prefix: &'static str) -> impl Strategy<Value = Input> {
    let key = select(vec![
        "id",
        "title",
        "order",
        "summary",
        "exercises",
        "scenario",
        "knobs",
        "label",
        "ask",
        "run",
        "answer",
        "choices",
        "unit",
        "tolerance",
        "explain",
        "name",
        "lesson",
        "instructions",
        "hints",
        "checks",
        "time_limit_s",
        "check",
        "mode",
    ]);
    let line = prop_oneof![
        Just("+++".to_string()),
        select(vec!["[[runs]]", "[[questions]]", "[[exercise]]"])
            .prop_map(str::to_string),
        (key.clone(), select(TOML_VALUES.to_vec()))
            .prop_map(|(k, v)| format!("{k} = {v}")),
        (key, "[a-z_:{}. -]{0,12}")
            .prop_map(|(k, v)| format!("{k} = \"{v}\"")),
        ".{0,20}",
    ];
    prop::collection::vec(line, 0..24).prop_map(move |lines| {
        Input(format!("{prefix}{}", lines.join("\n")).into_bytes())
    })
}

// ---------------------------------------------------------------------
// The real files

fn lesson_files() -> Vec<Vec<u8>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("lessons"))
        .expect("lessons/")
        .map(|e| e.expect("lessons/ entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    let files: Vec<Vec<u8>> = files
        .iter()
        .map(|p| std::fs::read(p).expect("lesson"))
        .filter(|b| b.starts_with(b"+++"))
        .collect();
    assert!(files.len() >= 10, "{} lessons", files.len());
    files
}

fn info_file() -> Vec<Vec<u8>> {
    let path = root().join("exercises/info.toml");
    vec![std::fs::read(path).expect("exercises/info.toml")]
}

/// Traces of real runs, as `--save-trace` writes them.
fn trace_files() -> Vec<Vec<u8>> {
    ["breakfast", "deadlock", "semaphore"]
        .iter()
        .map(|id| {
            let trace = scenarios::run(id, &RunOptions::virtual_time())
                .expect("scenario runs");
            let mut out = Vec::new();
            jsonl::write(&trace, &mut out).expect("trace writes");
            out
        })
        .collect()
}

/// A file for `info::load`, removed when the test ends.
struct TempFile(PathBuf);

impl TempFile {
    fn new(test: &str) -> TempFile {
        TempFile(
            std::env::temp_dir().join(format!(
                "asyncscope-{test}-{}.toml",
                std::process::id()
            )),
        )
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

// ---------------------------------------------------------------------
// Lessons

#[test]
fn real_files_hold_the_properties() {
    // The seeds themselves load, so mutations start from working files.
    for file in lesson_files() {
        props::lesson(&file);
    }
    let info = &info_file()[0];
    props::exercise_info(std::str::from_utf8(info).expect("UTF-8"));
    for file in trace_files() {
        let (_, damage) = jsonl::read_lenient(&file[..]).expect("a trace");
        assert!(damage.is_none());
        props::trace(&file);
    }
}

#[test]
fn lesson_from_arbitrary_input() {
    check(200, bytes(300), |Input(b)| props::lesson(&b));
    check(300, toml_ish("+++\n"), |Input(b)| props::lesson(&b));
}

#[test]
fn lesson_from_mutated_lessons() {
    check(400, mutated(lesson_files(), Syntax::Toml), |Input(b)| {
        props::lesson(&b)
    });
}

// ---------------------------------------------------------------------
// info.toml

#[test]
fn exercise_info_from_arbitrary_input() {
    let file = TempFile::new("info-arbitrary");
    check(200, bytes(300), |Input(b)| {
        props::exercise_info_file(&b, &file.0)
    });
    check(300, toml_ish(""), |Input(b)| {
        props::exercise_info(std::str::from_utf8(&b).expect("text"))
    });
}

#[test]
fn exercise_info_from_mutated_info_toml() {
    let file = TempFile::new("info-mutated");
    check(200, mutated(info_file(), Syntax::Toml), |Input(b)| {
        props::exercise_info_file(&b, &file.0)
    });
}

// ---------------------------------------------------------------------
// Traces

#[test]
fn trace_from_arbitrary_input() {
    check(200, bytes(300), |Input(b)| props::trace(&b));
    // A real header, then anything: gets past the first line.
    let header = trace_files()[0]
        .split(|&b| b == b'\n')
        .next()
        .expect("header")
        .to_vec();
    check(300, bytes(300), |Input(b)| {
        props::trace(&[&header[..], b"\n", &b[..]].concat())
    });
}

#[test]
fn trace_from_mutated_traces() {
    check(300, mutated(trace_files(), Syntax::Json), |Input(b)| {
        props::trace(&b)
    });
}

// ---------------------------------------------------------------------
// What the fuzzers found

/// Every file under tests/fuzz_regressions/<target>/ (see its README.md).
fn regressions(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = root().join("tests/fuzz_regressions").join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).expect("regression file");
            (p, bytes)
        })
        .collect()
}

/// Runs the target's properties on each regression file, naming the file
/// that fails; `loads` tells whether the parser accepted it, which must be
/// so exactly for the files named `loads.*`.
fn replay(
    target: &str,
    check: impl Fn(&[u8]),
    loads: impl Fn(&[u8]) -> bool,
) {
    let files = regressions(target);
    assert!(files.len() >= 5, "{target}: {} files", files.len());
    for (path, bytes) in &files {
        let outcome =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                check(bytes)
            }));
        assert!(outcome.is_ok(), "{} fails again", path.display());
        let named_loads = path.file_stem().is_some_and(|s| s == "loads");
        assert_eq!(loads(bytes), named_loads, "{}", path.display());
    }
}

#[test]
fn fuzzer_inputs_stay_handled() {
    replay("lesson_front_matter", props::lesson, |b| {
        asyncscope::lesson::parse(Path::new("x.md"), b).is_ok()
    });
    let file = TempFile::new("info-replay");
    replay(
        "exercise_info",
        |b| {
            if let Ok(text) = std::str::from_utf8(b) {
                props::exercise_info(text);
            }
            props::exercise_info_file(b, &file.0);
        },
        |b| {
            std::str::from_utf8(b)
                .is_ok_and(|t| asyncscope::exercise::info::parse(t).is_ok())
        },
    );
    replay("trace_reader", props::trace, |b| jsonl::read(b).is_ok());
}
