//! The properties the three parser fuzz targets check, shared with
//! `tests/parsers_proptest.rs` (which runs them in CI, where cargo-fuzz
//! cannot run): one definition, two drivers. Each check panics when a
//! property fails; the parsers themselves must never panic.

use asyncscope::exercise::info::{self, ExerciseInfo, Language};
use asyncscope::export::text;
use asyncscope::lesson::{self, Lesson};
use asyncscope::scenarios;
use asyncscope::timeline::Timeline;
use asyncscope::trace::jsonl::{self, TraceFileErrorKind};
use std::path::Path;

/// The lines an editor shows for `bytes`: one more than the newlines, so
/// an empty file has line 1, and the empty line after a final newline
/// (where "unexpected end of file" is reported) counts.
pub fn line_count(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count() + 1
}

fn assert_line(line: usize, bytes: &[u8], what: &str) {
    let lines = line_count(bytes);
    assert!(
        (1..=lines).contains(&line),
        "{what}: line {line} is outside the input's {lines} line(s)"
    );
}

/// A lesson file: errors name the file and a line in it, with a message;
/// what loads is consistent enough for the lesson screen to use.
pub fn lesson(bytes: &[u8]) {
    let path = Path::new("lessons/99-fuzzed.md");
    match lesson::parse(path, bytes) {
        Err(e) => {
            assert_eq!(e.path, path);
            assert_line(e.line, bytes, &e.to_string());
            assert!(!e.message.trim().is_empty(), "{e:?}");
            if let Some(hint) = &e.hint {
                assert!(!hint.trim().is_empty(), "{e:?}");
            }
        }
        Ok(l) => loaded_lesson(&l, path),
    }
}

fn loaded_lesson(l: &Lesson, path: &Path) {
    assert_eq!(l.path, path);
    assert!(!l.id.trim().is_empty());
    for run in &l.runs {
        assert!(scenarios::find(&run.scenario).is_some(), "{run:?}");
        run.describe();
    }
    for q in &l.questions {
        assert!(q.run < l.runs.len(), "{q:?}");
        assert!(q.tolerance.is_none_or(|t| t >= 0.0 && t.is_finite()));
        // Panics if the loader let an unparsable answer through.
        q.query();
    }
    // Every `{{code …}}` line became the scenario's code.
    assert!(
        !l.body.lines().any(|s| s.trim().starts_with("{{code ")),
        "{}",
        l.body
    );
    lesson::render_markdown(&l.body, 80);
}

/// `info.toml` text: errors carry a line in it and a message; what loads
/// passes every check the loader promises.
pub fn exercise_info(text: &str) {
    match info::parse(text) {
        Err((line, message)) => {
            assert_line(line, text.as_bytes(), &message);
            assert!(!message.trim().is_empty(), "line {line}");
        }
        Ok(list) => loaded_exercises(&list),
    }
}

/// `info::load` on `bytes` written to `path` (any bytes, not only UTF-8):
/// errors name the file; what loads is what `parse` gives.
pub fn exercise_info_file(bytes: &[u8], path: &Path) {
    std::fs::write(path, bytes).expect("write the fuzzed info.toml");
    match info::load(path) {
        Err(e) => {
            assert_eq!(e.path, path);
            assert_line(e.line, bytes, &e.to_string());
            assert!(!e.message.trim().is_empty(), "{e:?}");
        }
        Ok(list) => {
            loaded_exercises(&list);
            let text = std::str::from_utf8(bytes).expect("loaded: UTF-8");
            let parsed = info::parse(text).expect("loaded: parses");
            assert_eq!(format!("{list:?}"), format!("{parsed:?}"));
        }
    }
}

fn loaded_exercises(list: &[ExerciseInfo]) {
    let mut names = std::collections::HashSet::new();
    for ex in list {
        assert!(names.insert(&ex.name), "{} twice", ex.name);
        assert!(!ex.name.is_empty());
        assert!(ex.name.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'
        }));
        assert!(!ex.hints.is_empty() && !ex.checks.is_empty());
        assert!(ex.time_limit_s > 0.0 && ex.time_limit_s <= 120.0);
        match ex.language {
            Language::Rust => {
                assert_eq!(ex.file(), format!("{}.rs", ex.name))
            }
            Language::Python => assert_eq!(
                ex.file(),
                format!(
                    "python/{}.py",
                    ex.name.strip_suffix("_py").unwrap()
                )
            ),
        }
    }
}

/// A trace file: the reader stops at damage with a line and a message;
/// whatever it accepts is valid, survives `write` and `read` unchanged,
/// and can be shown (`Timeline::from_trace`, text export) like a real run.
pub fn trace(bytes: &[u8]) {
    let strict = jsonl::read(bytes);
    let (trace, damage) = match jsonl::read_lenient(bytes) {
        Err(e) => {
            let shown = e.to_string();
            assert!(!shown.is_empty());
            match e.line {
                Some(line) => assert_line(line, bytes, &shown),
                None => {
                    assert!(matches!(e.kind, TraceFileErrorKind::Empty))
                }
            }
            let strict = strict.expect_err("lenient refused it");
            assert_eq!(strict.to_string(), shown);
            return;
        }
        Ok(read) => read,
    };
    trace.validate().expect("what the reader accepts is valid");
    match &damage {
        Some(e) => {
            let shown = e.to_string();
            assert_line(e.line.expect("damage has a line"), bytes, &shown);
            assert!(!shown.is_empty());
            let strict = strict.expect_err("lenient found damage");
            assert_eq!(strict.to_string(), shown);
            // "Read up to the damage": the lines before it hold all of
            // what was read, and nothing wrong.
            let line = e.line.expect("damage has a line");
            let before: usize = bytes
                .split_inclusive(|&b| b == b'\n')
                .take(line - 1)
                .map(<[u8]>::len)
                .sum();
            let prefix = jsonl::read(&bytes[..before])
                .unwrap_or_else(|e| panic!("before the damage: {e}"));
            assert_eq!(prefix, trace);
        }
        None => {
            let strict = strict.expect("lenient found no damage");
            assert_eq!(strict, trace);
        }
    }

    let mut out = Vec::new();
    match jsonl::write(&trace, &mut out) {
        Ok(()) => {
            let back = jsonl::read(&out[..]).unwrap_or_else(|e| {
                panic!("{e}\n{}", String::from_utf8_lossy(&out))
            });
            assert_eq!(back, trace, "{}", String::from_utf8_lossy(&out));
        }
        // Re-encoding can lengthen a line (`1e9` is written
        // `1000000000.0`), so only input near the line limit may be
        // refused.
        Err(e) => assert!(
            bytes.len() > jsonl::MAX_LINE / 8,
            "write refused what read accepted: {e}"
        ),
    }

    let timeline = Timeline::from_trace(&trace);
    text::render(&timeline, 80);
}
