//! Lessons: `lessons/NN-slug.md`, TOML front matter between `+++` lines, then Markdown.
//!
//! ```text
//! +++
//! id = "01"
//! title = "Sync vs async: waiting efficiently"
//! order = 1
//! exercises = ["fetch_all"]
//!
//! [[runs]]
//! scenario = "breakfast"
//! knobs = { mode = "together" }
//! label = "together"
//!
//! [[questions]]
//! ask = "How long does breakfast take when both start together?"
//! run = 0                # which run the answer comes from (index into `runs`)
//! answer = "duration"    # a query over that run's timeline; see `Query`
//! unit = "u"
//! tolerance = 0.1        # or `choices = [...]` for multiple choice
//! +++
//! # Markdown …
//! {{code breakfast}}     (replaced by the scenario's marked source: the code that runs)
//! {{python 01-sync-vs-async}}
//!                        (replaced by the part of `01-sync-vs-async.py`, beside the lesson,
//!                        between `# lesson:start` and `# lesson:end`: the asyncio twin)
//! ```
//!
//! A run with `asyncio = "ARGS"` has a twin: the lesson's Python file run with those
//! arguments (`asyncscope lesson NN --python`, and `y` on the lesson screen, compare them).
//!
//! Answers are never written in the file: they are computed from the real run, so they stay
//! right when a learner changes a knob.

use crate::scenarios::{self, Knobs, RunOptions};
use crate::timeline::Timeline;
use crate::trace::{TaskKind, Trace};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    id: String,
    title: String,
    order: u32,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    runs: Vec<RunSpec>,
    #[serde(default)]
    questions: Vec<Question>,
    #[serde(default)]
    exercises: Vec<String>,
}

/// A scenario run a lesson shows, with the knobs it sets.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunSpec {
    pub scenario: String,
    #[serde(default)]
    pub knobs: BTreeMap<String, toml::Value>,
    #[serde(default)]
    pub label: String,
    /// The arguments that make the lesson's asyncio file do what this run does (`None`: the
    /// run has no asyncio twin).
    #[serde(default)]
    pub asyncio: Option<String>,
}

impl RunSpec {
    /// The knob settings as the scenario runner takes them.
    pub fn settings(&self) -> Vec<(String, String)> {
        self.knobs
            .iter()
            .map(|(k, v)| {
                let text = match v {
                    toml::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                (k.clone(), text)
            })
            .collect()
    }

    pub fn options(&self, base: &RunOptions) -> RunOptions {
        RunOptions {
            knobs: self.settings(),
            ..base.clone()
        }
    }

    pub fn describe(&self) -> String {
        if !self.label.is_empty() {
            return format!("{} ({})", self.scenario, self.label);
        }
        let knobs: Vec<String> = self
            .settings()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        if knobs.is_empty() {
            self.scenario.clone()
        } else {
            format!("{} ({})", self.scenario, knobs.join(", "))
        }
    }
}

/// A prediction question, asked before the run and graded against it.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub ask: String,
    #[serde(default)]
    pub run: usize,
    pub answer: String,
    #[serde(default)]
    pub choices: Vec<String>,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub tolerance: Option<f64>,
    /// Shown after the answer: why it came out that way.
    #[serde(default)]
    pub explain: String,
}

#[derive(Clone, Debug)]
pub struct Lesson {
    pub id: String,
    pub title: String,
    pub order: u32,
    pub summary: String,
    pub runs: Vec<RunSpec>,
    pub questions: Vec<Question>,
    pub exercises: Vec<String>,
    /// Markdown with `{{code …}}` replaced by the scenario code, `{{python …}}` by the
    /// asyncio file's.
    pub body: String,
    pub path: PathBuf,
    /// The runnable asyncio program the lesson prints (`{{python …}}`).
    pub python: Option<PathBuf>,
}

/// The asyncio twin of a lesson run: the lesson's Python file and its arguments.
#[derive(Clone, Debug, PartialEq)]
pub struct AsyncioTwin {
    pub script: PathBuf,
    pub args: Vec<String>,
}

impl Lesson {
    /// The asyncio twin of run `index`, if the lesson has a Python file and the run names its
    /// arguments.
    pub fn asyncio_twin(&self, index: usize) -> Option<AsyncioTwin> {
        let args = self.runs.get(index)?.asyncio.as_ref()?;
        Some(AsyncioTwin {
            script: self.python.clone()?,
            args: args.split_whitespace().map(str::to_string).collect(),
        })
    }
}

/// The markers around the part of a lesson's asyncio file that the lesson prints.
pub const PY_START: &str = "# lesson:start";
pub const PY_END: &str = "# lesson:end";

/// Where a lesson's `{{python NAME}}` file is: `NAME.py` beside the lesson (the lessons folder
/// holds files only).
pub fn python_file(lesson_path: &Path, name: &str) -> PathBuf {
    lesson_path
        .parent()
        .unwrap_or(Path::new("."))
        .join(format!("{name}.py"))
}

/// A problem in a lesson file, with where it is and what to do about it.
#[derive(Clone, Debug, PartialEq)]
pub struct LessonError {
    pub path: PathBuf,
    pub line: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl fmt::Display for LessonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}",
            self.path.display(),
            self.line,
            self.message
        )?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LessonError {}

/// Where the lessons are: `./lessons` when run from a checkout (so edits show at once), else
/// the copy built into the binary, written out to the user's cache.
pub fn default_dir() -> PathBuf {
    let here = PathBuf::from("lessons");
    if here.is_dir() {
        return here;
    }
    // Unwritable cache: the missing folder is then named by the loading error.
    crate::embedded::lessons_dir().unwrap_or(here)
}

/// Every `NN-*.md` lesson in `dir`, in order; broken files are reported and the rest still load.
pub fn load_all(dir: &Path) -> (Vec<Lesson>, Vec<LessonError>) {
    let mut lessons = Vec::new();
    let mut errors = Vec::new();
    let mut paths: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| is_lesson_file(p))
            .collect(),
        Err(e) => {
            errors.push(LessonError {
                path: dir.to_path_buf(),
                line: 0,
                message: format!("cannot read the lessons folder: {e}"),
                hint: Some("run asyncscope from the project folder, or pass --lessons DIR".into()),
            });
            return (lessons, errors);
        }
    };
    paths.sort();
    for path in paths {
        // Bounded: `parse` refuses anything bigger than MAX_BYTES without reading it all.
        let mut bytes = Vec::new();
        let read = std::fs::File::open(&path).and_then(|f| {
            use std::io::Read;
            f.take(MAX_BYTES as u64 + 1).read_to_end(&mut bytes)
        });
        match read {
            Ok(_) => match parse(&path, &bytes) {
                Ok(lesson) => lessons.push(lesson),
                Err(e) => errors.push(e),
            },
            Err(e) => errors.push(LessonError {
                path: path.clone(),
                line: 0,
                message: format!("cannot read the file: {e}"),
                hint: None,
            }),
        }
    }
    lessons.sort_by(|a, b| (a.order, &a.id).cmp(&(b.order, &b.id)));
    (lessons, errors)
}

/// The asyncio ↔ tokio page (`asyncio-to-tokio.md` in `dir`) as a lesson without runs or
/// questions, for the TUI's lesson list and `asyncscope lesson asyncio`.
pub fn asyncio_page(dir: &Path) -> Result<Lesson, LessonError> {
    let path = dir.join("asyncio-to-tokio.md");
    let body = std::fs::read_to_string(&path).map_err(|e| LessonError {
        path: path.clone(),
        line: 0,
        message: format!("cannot read the file: {e}"),
        hint: None,
    })?;
    Ok(Lesson {
        id: ASYNCIO_PAGE.into(),
        title: "asyncio ↔ tokio, side by side".into(),
        order: u32::MAX,
        summary: "For Python learners: each asyncio call beside its tokio counterpart, and \
                  the behaviours that differ."
            .into(),
        runs: Vec::new(),
        questions: Vec::new(),
        exercises: Vec::new(),
        body,
        path,
        python: None,
    })
}

/// The id of [`asyncio_page`].
pub const ASYNCIO_PAGE: &str = "asyncio";

fn is_lesson_file(p: &Path) -> bool {
    let Some(name) = p.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    name.ends_with(".md")
        && name.len() > 3
        && name.as_bytes()[..2].iter().all(u8::is_ascii_digit)
}

/// The largest lesson file read: a hundred times the longest lesson. Bigger is not a lesson,
/// and rendering it would stall the screen.
pub const MAX_BYTES: usize = 1 << 20;

/// Parse one lesson file's bytes.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<Lesson, LessonError> {
    let err =
        |line: usize, message: String, hint: Option<&str>| LessonError {
            path: path.to_path_buf(),
            line,
            message,
            hint: hint.map(str::to_string),
        };
    if bytes.len() > MAX_BYTES {
        let line =
            bytes[..MAX_BYTES].iter().filter(|&&b| b == b'\n').count();
        return Err(err(
            line + 1,
            format!(
                "the file is larger than {} MiB (from this line on), which no \
                 lesson is",
                MAX_BYTES >> 20
            ),
            Some("is it the right file? a lesson is a few KiB of text"),
        ));
    }
    // Editors on Windows may start a UTF-8 file with a byte-order mark: not part of the text.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        err(
            line,
            "the file is not valid UTF-8".into(),
            Some("save it as UTF-8"),
        )
    })?;
    let lines: Vec<&str> = text.lines().collect();
    if lines.first().map(|l| l.trim()) != Some("+++") {
        return Err(err(
            1,
            "a lesson must start with a `+++` line".into(),
            Some(
                "write the TOML front matter between two `+++` lines, then the Markdown",
            ),
        ));
    }
    let Some(close) = lines.iter().skip(1).position(|l| l.trim() == "+++")
    else {
        return Err(err(
            lines.len().max(1),
            "the front matter is never closed".into(),
            Some("end the TOML front matter with a `+++` line"),
        ));
    };
    let fm_lines = &lines[1..=close];
    let fm_text = fm_lines.join("\n");
    // Line numbers in the file: the front matter starts on line 2.
    let fm_line = |offset: usize| {
        fm_text[..offset.min(fm_text.len())].matches('\n').count() + 2
    };
    let fm: FrontMatter = toml::from_str(&fm_text).map_err(|e| {
        let line = e.span().map_or(2, |s| fm_line(s.start));
        let message = e.message().trim().to_string();
        err(
            line,
            format!("front matter: {message}"),
            Some("see the format at the top of src/lesson.rs, or copy a working lesson"),
        )
    })?;
    // Where a key's value sits, for errors found after parsing.
    let find_line = |needle: &str| {
        fm_lines
            .iter()
            .position(|l| l.contains(needle))
            .map_or(2, |i| i + 2)
    };

    if fm.id.trim().is_empty() {
        return Err(err(
            find_line("id"),
            "the lesson id is empty".into(),
            None,
        ));
    }
    for run in &fm.runs {
        let line = find_line(&format!("\"{}\"", run.scenario));
        let Some(scenario) = scenarios::find(&run.scenario) else {
            let ids: Vec<&str> =
                scenarios::registry().iter().map(|s| s.id).collect();
            return Err(err(
                line,
                format!("unknown scenario `{}`", run.scenario),
                Some(&format!("known scenarios: {}", ids.join(", "))),
            ));
        };
        if let Err(message) = Knobs::resolve(&scenario, &run.settings()) {
            let knob_line = run
                .knobs
                .keys()
                .map(|k| find_line(k))
                .find(|&l| l > line)
                .unwrap_or(line);
            return Err(err(
                knob_line,
                message,
                Some(&format!(
                    "`asyncscope list` shows the knobs of `{}`",
                    run.scenario
                )),
            ));
        }
    }
    for q in &fm.questions {
        let line = find_line(&q.ask.chars().take(30).collect::<String>());
        if q.run >= fm.runs.len() {
            return Err(err(
                line,
                format!(
                    "question \"{}\" is about run {} but the lesson has {} run(s)",
                    q.ask,
                    q.run,
                    fm.runs.len()
                ),
                Some(
                    "`run` counts from 0 in the order of the [[runs]] tables",
                ),
            ));
        }
        if let Err(message) = Query::parse(&q.answer) {
            return Err(err(
                find_line(&format!("\"{}\"", q.answer)),
                message,
                Some(Query::HELP),
            ));
        }
        if q.tolerance.is_some_and(|t| !(t >= 0.0 && t.is_finite())) {
            return Err(err(
                line,
                "a tolerance must be 0 or more".into(),
                None,
            ));
        }
    }

    let mut body = String::new();
    let mut python = None;
    for (i, l) in lines[close + 2..].iter().enumerate() {
        let file_line = close + 3 + i;
        let trimmed = l.trim();
        if let Some(rest) = trimmed.strip_prefix("{{python ") {
            let name = rest.trim_end_matches("}}").trim();
            let file = python_file(path, name);
            let source = std::fs::read_to_string(&file).map_err(|e| {
                err(
                    file_line,
                    format!("cannot read {}: {e}", file.display()),
                    Some("the asyncio file of `{{python NAME}}` is NAME.py beside the lesson"),
                )
            })?;
            let Some(code) =
                scenarios::marked_region(&source, PY_START, PY_END)
            else {
                return Err(err(
                    file_line,
                    format!("{} has no code to show", file.display()),
                    Some(
                        "mark the part to show with `# lesson:start` and `# lesson:end` lines",
                    ),
                ));
            };
            body += "```python\n";
            body += &code;
            body += "\n```\n";
            python = Some(file);
        } else if let Some(rest) = trimmed.strip_prefix("{{code ") {
            let id = rest.trim_end_matches("}}").trim();
            let Some(code) = scenarios::lesson_code(id) else {
                return Err(err(
                    file_line,
                    format!("no lesson code for scenario `{id}`"),
                    Some(
                        "mark a region in the scenario's source with `// lesson:start <id>` and `// lesson:end <id>`",
                    ),
                ));
            };
            body += "```rust\n";
            body += &code;
            body += "\n```\n";
        } else {
            body += l;
            body.push('\n');
        }
    }

    if python.is_none()
        && let Some(run) = fm.runs.iter().find(|r| r.asyncio.is_some())
    {
        return Err(err(
            find_line("asyncio"),
            format!(
                "run `{}` has an asyncio twin, but the lesson shows no asyncio file",
                run.describe()
            ),
            Some(
                "show the file with a `{{python NAME}}` line (NAME.py beside the lesson)",
            ),
        ));
    }

    Ok(Lesson {
        id: fm.id,
        title: fm.title,
        order: fm.order,
        summary: fm.summary,
        runs: fm.runs,
        questions: fm.questions,
        exercises: fm.exercises,
        body,
        path: path.to_path_buf(),
        python,
    })
}

/// What a question's answer is computed from.
#[derive(Clone, Debug, PartialEq)]
pub enum Query {
    /// Total run time, in units.
    Duration,
    /// A value the scenario computed.
    Value(String),
    /// The name of the first (or last) scenario task to end.
    FirstFinished,
    LastFinished,
    /// Scenario task names in the order they ended, comma separated.
    FinishOrder,
    Outcome(String),
    Ended(String),
    Peak(Option<String>),
    /// How many scenario tasks ended this way.
    Count(String),
    MaxLagMs,
    LongestPollTask,
    Deadlock,
    Leaks,
    Polls(String),
}

/// A computed answer.
#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    Number(f64),
    Text(String),
}

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Answer::Number(n) => {
                let rounded = (n * 1000.0).round() / 1000.0;
                write!(f, "{rounded}")
            }
            Answer::Text(t) => f.write_str(t),
        }
    }
}

impl Query {
    pub const HELP: &'static str = "answers: duration, value:KEY, first_finished, last_finished, \
        finish_order, outcome:TASK, ended:TASK, peak, peak:PREFIX, count:OUTCOME, max_lag_ms, \
        longest_poll_task, deadlock, leaks, polls:TASK";

    pub fn parse(text: &str) -> Result<Query, String> {
        let (head, arg) = match text.split_once(':') {
            Some((h, a)) => (h.trim(), Some(a.trim().to_string())),
            None => (text.trim(), None),
        };
        let need = |arg: Option<String>| {
            arg.filter(|a| !a.is_empty()).ok_or_else(|| {
                format!(
                    "answer `{head}` needs a name after a colon ({head}:…)"
                )
            })
        };
        Ok(match head {
            "duration" => Query::Duration,
            "value" => Query::Value(need(arg)?),
            "first_finished" => Query::FirstFinished,
            "last_finished" => Query::LastFinished,
            "finish_order" => Query::FinishOrder,
            "outcome" => Query::Outcome(need(arg)?),
            "ended" => Query::Ended(need(arg)?),
            "peak" => Query::Peak(arg.filter(|a| !a.is_empty())),
            "count" => Query::Count(need(arg)?),
            "max_lag_ms" => Query::MaxLagMs,
            "longest_poll_task" => Query::LongestPollTask,
            "deadlock" => Query::Deadlock,
            "leaks" => Query::Leaks,
            "polls" => Query::Polls(need(arg)?),
            other => return Err(format!("unknown answer `{other}`")),
        })
    }

    /// The answer in this run, or `None` when the run does not have it (no such task or value).
    pub fn evaluate(&self, tl: &Timeline) -> Option<Answer> {
        let finished = || {
            let mut ended: Vec<_> = tl
                .scenario_tasks()
                .filter(|t| t.info.kind != TaskKind::BlockOn)
                .filter_map(|t| t.ended.map(|e| (e, t.label())))
                .collect();
            ended.sort();
            ended.into_iter().map(|(_, name)| name).collect::<Vec<_>>()
        };
        Some(match self {
            Query::Duration => {
                Answer::Number(tl.units(tl.finish_stamp().rt_ns))
            }
            Query::Value(key) => match tl.values.get(key)? {
                serde_json::Value::Number(n) => Answer::Number(n.as_f64()?),
                serde_json::Value::String(s) => Answer::Text(s.clone()),
                serde_json::Value::Bool(b) => {
                    Answer::Text(if *b { "yes" } else { "no" }.into())
                }
                serde_json::Value::Array(items) => Answer::Text(
                    items
                        .iter()
                        .map(list_item)
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
                other => Answer::Text(other.to_string()),
            },
            Query::FirstFinished => {
                Answer::Text(finished().first()?.clone())
            }
            Query::LastFinished => Answer::Text(finished().last()?.clone()),
            Query::FinishOrder => Answer::Text(finished().join(", ")),
            Query::Outcome(task) => {
                Answer::Text(tl.task(task)?.end.as_str().to_string())
            }
            Query::Ended(task) => {
                Answer::Number(tl.units(tl.task(task)?.ended?.rt_ns))
            }
            Query::Peak(prefix) => Answer::Number(
                tl.peak_in_flight(prefix.as_deref()).0 as f64,
            ),
            Query::Count(outcome) => Answer::Number(
                tl.scenario_tasks()
                    .filter(|t| {
                        t.info.kind != TaskKind::BlockOn
                            && t.end.as_str() == outcome
                    })
                    .count() as f64,
            ),
            Query::MaxLagMs => {
                Answer::Number(tl.max_heartbeat_lag_us()? as f64 / 1000.0)
            }
            Query::LongestPollTask => {
                let (task, _) = tl.longest_poll()?;
                Answer::Text(tl.tasks[task as usize].label())
            }
            Query::Deadlock => Answer::Text(
                if tl.deadlock().is_some() { "yes" } else { "no" }.into(),
            ),
            Query::Leaks => Answer::Number(tl.leaks().len() as f64),
            Query::Polls(task) => {
                Answer::Number(tl.task(task)?.polls.len() as f64)
            }
        })
    }
}

/// One item of a list value as a learner would write it: 1.0 reads as "1".
fn list_item(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.as_f64().map_or_else(
            || n.to_string(),
            |x| Answer::Number(x).to_string(),
        ),
        other => other.to_string(),
    }
}

impl Question {
    pub fn query(&self) -> Query {
        Query::parse(&self.answer)
            .expect("validated when the lesson loaded")
    }
}

/// The lesson's Markdown as plain terminal text, wrapped to `width`.
pub fn render_markdown(markdown: &str, width: usize) -> String {
    use pulldown_cmark::{
        CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd,
    };
    let width = width.max(30);
    let mut out = String::new();
    let mut para = String::new();
    let mut list_depth = 0usize;
    let mut in_code = false;
    let mut heading: Option<HeadingLevel> = None;
    let mut table_row: Vec<String> = Vec::new();
    let mut table_head: Vec<String> = Vec::new();
    let mut cell = String::new();
    let mut in_cell = false;

    let flush = |para: &mut String,
                 out: &mut String,
                 prefix: &str,
                 indent: usize| {
        let text = para.split_whitespace().collect::<Vec<_>>().join(" ");
        para.clear();
        if text.is_empty() {
            return;
        }
        let wrapped = crate::export::text::wrap(
            &format!("{prefix}{text}"),
            width,
            indent,
        );
        out.push_str(&wrapped.join("\n"));
        out.push('\n');
    };

    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some(level)
            }
            Event::End(TagEnd::Heading(_)) => {
                let title = para.trim().to_string();
                para.clear();
                if !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(&title);
                out.push('\n');
                let rule = if heading == Some(HeadingLevel::H1) {
                    '═'
                } else {
                    '─'
                };
                out.push_str(
                    &rule
                        .to_string()
                        .repeat(title.chars().count().min(width)),
                );
                out.push_str("\n\n");
                heading = None;
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                in_code = true;
                let lang = match kind {
                    CodeBlockKind::Fenced(lang) => lang.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                let label = match lang.as_str() {
                    "rust" => "  ── tokio (Rust) ──",
                    "python" => "  ── asyncio (Python) ──",
                    _ => "",
                };
                if !label.is_empty() {
                    out.push_str(label);
                    out.push('\n');
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code = false;
                out.push('\n');
            }
            Event::Text(t) if in_code => {
                for line in t.lines() {
                    out.push_str("    ");
                    out.push_str(line);
                    out.push('\n');
                }
            }
            Event::Start(Tag::List(_)) => list_depth += 1,
            Event::End(TagEnd::List(_)) => {
                list_depth = list_depth.saturating_sub(1);
                if list_depth == 0 {
                    out.push('\n');
                }
            }
            Event::Start(Tag::Item) => flush(&mut para, &mut out, "", 0),
            Event::End(TagEnd::Item) => {
                let indent = 2 * list_depth;
                let prefix =
                    format!("{}• ", " ".repeat(indent.saturating_sub(2)));
                flush(&mut para, &mut out, &prefix, indent);
            }
            Event::End(TagEnd::Paragraph) if list_depth == 0 => {
                flush(&mut para, &mut out, "", 0);
                out.push('\n');
            }
            Event::Start(Tag::TableCell) => in_cell = true,
            Event::End(TagEnd::TableCell) => {
                in_cell = false;
                table_row
                    .push(std::mem::take(&mut cell).trim().to_string());
            }
            Event::End(TagEnd::TableHead) => {
                table_head = std::mem::take(&mut table_row);
            }
            // A row reads better in 80 columns as a block than squeezed on one line: the
            // first cell as a bullet, the others under it, named by their column.
            Event::End(TagEnd::TableRow) => {
                let row = std::mem::take(&mut table_row);
                for (i, cell) in row.iter().enumerate() {
                    let line = if i == 0 {
                        format!("• {cell}")
                    } else {
                        let head =
                            table_head.get(i).map_or("", String::as_str);
                        format!("  {head}: {cell}")
                    };
                    let wrapped =
                        crate::export::text::wrap(&line, width, 4);
                    out.push_str(&wrapped.join("\n"));
                    out.push('\n');
                }
            }
            Event::End(TagEnd::Table) => out.push('\n'),
            Event::Code(t) if in_cell => cell.push_str(&format!("`{t}`")),
            Event::Text(t) if in_cell => cell.push_str(&t),
            Event::Code(t) => {
                para.push('`');
                para.push_str(&t);
                para.push('`');
            }
            Event::Text(t) => para.push_str(&t),
            Event::SoftBreak | Event::HardBreak => para.push(' '),
            Event::Rule => {
                out.push_str(&format!("{}\n\n", "─".repeat(width.min(40))))
            }
            _ => {}
        }
    }
    flush(&mut para, &mut out, "", 0);
    out.trim_end().to_string() + "\n"
}

/// Run the asyncio twin of lesson run `index` with `python`, on the clock the tokio run uses
/// with `base` (virtual where tokio's is paused, so the two compare on one axis): its trace,
/// or what went wrong in a sentence. What the program prints is dropped: the timeline is what
/// is compared.
pub fn run_asyncio(
    lesson: &Lesson,
    index: usize,
    python: &crate::python::Interpreter,
    base: &RunOptions,
) -> Result<Trace, String> {
    let twin = lesson.asyncio_twin(index).ok_or_else(|| {
        format!(
            "run {} of lesson {} has no asyncio twin",
            index + 1,
            lesson.id
        )
    })?;
    let spec = &lesson.runs[index];
    let virtual_time =
        scenarios::clock_of(&spec.scenario, &spec.options(base))
            .is_ok_and(|c| c == crate::trace::Clock::Paused);
    let options = crate::python::Options {
        virtual_time,
        unit_ms: base.unit_ms,
        args: twin.args.iter().map(Into::into).collect(),
        ..crate::python::Options::default()
    };
    let run = crate::python::run(
        python,
        &twin.script,
        &options,
        std::sync::Arc::new(|_: &str| {}),
    );
    let name = twin.script.file_name().map_or_else(
        || twin.script.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    match run.trace {
        Some(trace) if run.succeeded() => Ok(trace),
        _ => Err(run.sentences(&name, virtual_time).join("; ")),
    }
}

/// Run one of a lesson's runs (virtual time unless `base` says otherwise).
pub fn run(
    lesson: &Lesson,
    index: usize,
    base: &RunOptions,
) -> Result<Timeline, String> {
    let spec = lesson.runs.get(index).ok_or_else(|| {
        format!("lesson {} has no run {index}", lesson.id)
    })?;
    let trace = scenarios::run(&spec.scenario, &spec.options(base))
        .map_err(|e| e.to_string())?;
    Ok(Timeline::from_trace(&trace))
}
