//! Lesson files: every lesson loads, its code is the code that runs, its questions are
//! answerable from its runs; broken files are reported with file, line and a hint.

use asyncscope::lesson::{self, Answer, Query};
use asyncscope::quiz;
use asyncscope::scenarios::{self, RunOptions};
use std::path::{Path, PathBuf};

fn lessons_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons")
}

#[test]
fn every_lesson_loads_in_order() {
    let (lessons, errors) = lesson::load_all(&lessons_dir());
    assert!(
        errors.is_empty(),
        "{}",
        errors
            .iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(!lessons.is_empty());
    let orders: Vec<u32> = lessons.iter().map(|l| l.order).collect();
    let mut sorted = orders.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(orders, sorted, "lesson orders are distinct and sorted");
    for l in &lessons {
        assert!(!l.runs.is_empty(), "lesson {} runs a scenario", l.id);
        assert!(
            !l.questions.is_empty(),
            "lesson {} asks a prediction question",
            l.id
        );
        assert!(
            l.body.contains("```rust"),
            "lesson {} shows the tokio code",
            l.id
        );
        assert!(
            l.body.contains("```python"),
            "lesson {} shows the asyncio equivalent",
            l.id
        );
        let words = l.body.split_whitespace().count();
        assert!(
            (250..=1100).contains(&words),
            "lesson {} has {words} words",
            l.id
        );
    }
}

#[test]
fn every_lesson_reads_in_80_columns() {
    let (lessons, _) = lesson::load_all(&lessons_dir());
    let reference =
        std::fs::read_to_string(lessons_dir().join("asyncio-to-tokio.md"))
            .unwrap();
    let texts = lessons.iter().map(|l| (l.id.clone(), l.body.clone()));
    for (id, body) in texts.chain([("asyncio".to_string(), reference)]) {
        for line in lesson::render_markdown(&body, 80).lines() {
            assert!(
                line.chars().count() <= 80,
                "lesson {id}: too wide: {line}"
            );
        }
    }
}

#[test]
fn every_question_is_answered_by_its_run() {
    let (lessons, _) = lesson::load_all(&lessons_dir());
    for l in &lessons {
        let timelines: Vec<_> = (0..l.runs.len())
            .map(|i| {
                lesson::run(l, i, &RunOptions::virtual_time())
                    .expect("lesson run")
            })
            .collect();
        for q in &l.questions {
            let actual = q
                .query()
                .evaluate(&timelines[q.run])
                .unwrap_or_else(|| {
                    panic!("lesson {}: no answer to \"{}\"", l.id, q.ask)
                });
            let grade = |given: &str| {
                quiz::grade(q, q.read(given).ok().as_ref(), &actual).0
            };
            if !q.choices.is_empty() {
                let right = q.correct_choice(&actual);
                assert!(
                    right.is_some(),
                    "lesson {}: \"{}\" computed {actual}, not among {:?}",
                    l.id,
                    q.ask,
                    q.choices
                );
                let right = right.unwrap();
                assert!(grade(&(right + 1).to_string()));
                for wrong in
                    (1..=q.choices.len()).filter(|&n| n != right + 1)
                {
                    assert!(
                        !grade(&wrong.to_string()),
                        "lesson {}: the wrong choice {wrong} is graded right",
                        l.id
                    );
                }
            } else if let Answer::Number(n) = actual {
                assert!(grade(&n.to_string()));
                // Far outside any tolerance, even for answers near zero.
                let far = n
                    + 2.0 * q.tolerance.unwrap_or(0.0)
                    + (n.abs() * 3.0).max(10.0);
                assert!(!grade(&far.to_string()));
            }
        }
    }
}

#[test]
fn lesson_one_answers_follow_the_knobs() {
    let (lessons, _) = lesson::load_all(&lessons_dir());
    let one = lessons.iter().find(|l| l.id == "01").unwrap();
    let q = &one.questions[0];
    let together =
        lesson::run(one, q.run, &RunOptions::virtual_time()).unwrap();
    assert_eq!(q.query().evaluate(&together), Some(Answer::Number(3.0)));
    // A learner who makes the coffee slower gets a different right answer.
    let mut spec = one.runs[q.run].clone();
    spec.knobs.insert("coffee".into(), toml::Value::Float(4.5));
    let trace = scenarios::run(
        &spec.scenario,
        &spec.options(&RunOptions::virtual_time()),
    )
    .unwrap();
    let slower = asyncscope::timeline::Timeline::from_trace(&trace);
    assert_eq!(q.query().evaluate(&slower), Some(Answer::Number(4.5)));
}

#[test]
fn every_scenario_has_lesson_code_that_is_in_its_source() {
    for s in scenarios::registry() {
        let code = scenarios::lesson_code(s.id).unwrap_or_else(|| {
            panic!(
                "scenario {} has no `// lesson:start {}` region",
                s.id, s.id
            )
        });
        // Most scenarios have a file of their own; the load ones share one.
        let dir =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("src/scenarios");
        let marker = format!("// lesson:start {}", s.id);
        let (file, source) = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .map(|p| (p.clone(), std::fs::read_to_string(&p).unwrap()))
            .find(|(_, text)| text.lines().any(|l| l.trim() == marker))
            .unwrap_or_else(|| {
                panic!("no file in {} has `{marker}`", dir.display())
            });
        for line in code.lines().filter(|l| !l.trim().is_empty()) {
            assert!(
                source.contains(line.trim_start()),
                "{}: `{line}` is not in {}",
                s.id,
                file.display()
            );
        }
        for line in code.lines() {
            assert!(
                line.chars().count() <= 76,
                "{}: code line longer than 76 columns: {line}",
                s.id
            );
        }
    }
}

const GOOD: &str = "+++\nid = \"90\"\ntitle = \"Good\"\norder = 90\n\n[[runs]]\nscenario = \"breakfast\"\n\n[[questions]]\nask = \"How long?\"\nanswer = \"duration\"\n+++\n# Fine\n{{code breakfast}}\n";

fn parse(text: &str) -> Result<lesson::Lesson, lesson::LessonError> {
    lesson::parse(Path::new("lessons/99-test.md"), text.as_bytes())
}

fn error_of(text: &str) -> lesson::LessonError {
    parse(text).expect_err("should be refused")
}

#[test]
fn a_good_lesson_parses_and_includes_the_scenario_code() {
    let l = parse(GOOD).unwrap();
    assert_eq!(l.title, "Good");
    assert!(l.body.contains("async fn make"), "{}", l.body);
}

#[test]
fn broken_lessons_name_the_file_line_and_a_hint() {
    let cases: Vec<(String, usize, &str)> = vec![
        (
            "# no front matter\n".into(),
            1,
            "must start with a `+++` line",
        ),
        (
            "+++\nid = \"1\"\ntitle = \"x\"\norder = 1\n".into(),
            4,
            "never closed",
        ),
        (
            GOOD.replace("order = 90", "order = \"ninety\""),
            4,
            "front matter",
        ),
        (
            GOOD.replace(
                "title = \"Good\"",
                "title = \"Good\"\ncolour = \"red\"",
            ),
            4,
            "colour",
        ),
        (
            GOOD.replace(
                "scenario = \"breakfast\"",
                "scenario = \"brekfast\"",
            ),
            7,
            "unknown scenario `brekfast`",
        ),
        (
            GOOD.replace(
                "scenario = \"breakfast\"",
                "scenario = \"breakfast\"\nknobs = { eggs = 2 }",
            ),
            8,
            "no knob `eggs`",
        ),
        (
            GOOD.replace(
                "scenario = \"breakfast\"",
                "scenario = \"breakfast\"\nknobs = { mode = \"sideways\" }",
            ),
            8,
            "sideways",
        ),
        (
            GOOD.replace("answer = \"duration\"", "answer = \"duraton\""),
            11,
            "unknown answer `duraton`",
        ),
        (
            GOOD.replace(
                "answer = \"duration\"",
                "answer = \"duration\"\nrun = 3",
            ),
            10,
            "run 3",
        ),
        (
            GOOD.replace("{{code breakfast}}", "{{code nothing-here}}"),
            14,
            "no lesson code",
        ),
    ];
    for (text, line, phrase) in cases {
        let e = error_of(&text);
        assert_eq!(e.line, line, "{e}");
        let shown = e.to_string();
        assert!(shown.starts_with("lessons/99-test.md:"), "{shown}");
        assert!(shown.contains(phrase), "expected `{phrase}` in: {shown}");
    }
    let e = lesson::parse(
        Path::new("x.md"),
        b"+++\nid = \"1\"\n\xff\xfe\n+++\n",
    )
    .unwrap_err();
    assert_eq!(e.line, 3);
    assert!(e.to_string().contains("UTF-8"));
    let e = error_of(
        &GOOD
            .replace("scenario = \"breakfast\"", "scenario = \"brekfast\""),
    );
    assert!(
        e.hint.unwrap().contains("breakfast"),
        "the hint lists the known scenarios"
    );
}

#[test]
fn one_broken_lesson_does_not_stop_the_others() {
    let dir = std::env::temp_dir()
        .join(format!("asyncscope-lessons-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("01-good.md"), GOOD).unwrap();
    std::fs::write(
        dir.join("02-bad.md"),
        GOOD.replace("breakfast\"\n", "nope\"\n"),
    )
    .unwrap();
    std::fs::write(dir.join("notes.md"), "not a lesson").unwrap();
    let (lessons, errors) = lesson::load_all(&dir);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(lessons.len(), 1);
    assert_eq!(errors.len(), 1);
    assert!(errors[0].path.ends_with("02-bad.md"));
}

#[test]
fn grading_numbers_and_choices() {
    let l = parse(GOOD).unwrap();
    let q = &l.questions[0];
    let grade = |q: &lesson::Question, given: &str, actual: Answer| {
        quiz::grade(q, q.read(given).ok().as_ref(), &actual).0
    };
    assert!(grade(q, "3", Answer::Number(3.0)));
    assert!(grade(q, "3.1", Answer::Number(3.0)), "default tolerance");
    assert!(!grade(q, "5", Answer::Number(3.0)));
    assert!(!grade(q, "soon", Answer::Number(3.0)));
    let mut choice = q.clone();
    choice.choices = vec!["1".into(), "50".into(), "100".into()];
    assert!(grade(&choice, "1", Answer::Number(1.0)));
    assert!(grade(&choice, "3", Answer::Number(100.0)));
    assert!(!grade(&choice, "2", Answer::Number(100.0)));
    choice.choices = vec!["0".into(), "3".into(), "6".into()];
    assert!(
        grade(&choice, "2", Answer::Number(3.0)),
        "the key is the position: 2 is the choice \"3\""
    );
    assert!(!grade(&choice, "3", Answer::Number(3.0)));
    assert!(grade(&choice, "3", Answer::Number(6.0)));
    choice.choices = vec!["coffee".into(), "toast".into()];
    assert!(grade(&choice, "2", Answer::Text("toast".into())));
    assert!(
        !grade(&choice, "toast", Answer::Text("toast".into())),
        "a choice is picked by its number"
    );
    assert_eq!(
        quiz::grade(&choice, None, &Answer::Text("toast".into())).1,
        "2) toast"
    );
}

#[test]
fn answer_queries_parse_or_explain() {
    assert_eq!(
        Query::parse("value:final"),
        Ok(Query::Value("final".into()))
    );
    assert_eq!(Query::parse("peak"), Ok(Query::Peak(None)));
    assert!(
        Query::parse("outcome")
            .unwrap_err()
            .contains("needs a name")
    );
    assert!(Query::parse("speed").is_err());
}
