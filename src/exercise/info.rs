//! `exercises/info.toml`: every exercise's instructions, hints, checks and limits.

use crate::grade::Check;
use serde::Deserialize;
use std::io::Read;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct InfoFile {
    exercise: Vec<ExerciseInfo>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExerciseInfo {
    pub name: String,
    /// The lesson it follows ("01").
    pub lesson: String,
    pub instructions: String,
    /// From gentle to explicit.
    pub hints: Vec<String>,
    pub checks: Vec<Check>,
    /// Wall-clock seconds the run may take before it is stopped.
    #[serde(default = "default_limit")]
    pub time_limit_s: f64,
    /// The same exercise in Python (asyncio): its own words, the same checks. Listed as an
    /// exercise of its own, `NAME_py`, right after this one.
    #[serde(default)]
    pub python: Option<PythonText>,
    /// What the learner writes it in (set when loaded, from where it was listed).
    #[serde(skip)]
    pub language: Language,
}

/// A Python variant's own instructions and hints (its checks are the Rust exercise's).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PythonText {
    pub instructions: String,
    pub hints: Vec<String>,
}

/// The language an exercise is solved in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Language {
    #[default]
    Rust,
    Python,
}

impl Language {
    /// Its files' extension: `rs`, `py`.
    pub fn extension(self) -> &'static str {
        match self {
            Language::Rust => "rs",
            Language::Python => "py",
        }
    }
}

/// How a Python variant's name ends: `fetch_all_py`.
pub const PYTHON_SUFFIX: &str = "_py";

fn default_limit() -> f64 {
    10.0
}

impl ExerciseInfo {
    /// The learner's file, relative to the exercises folder (and to `solutions/starters/`):
    /// `fetch_all.rs`, or `python/fetch_all.py` for `fetch_all_py`.
    pub fn file(&self) -> String {
        match self.language {
            Language::Rust => format!("{}.rs", self.name),
            Language::Python => format!("python/{}.py", self.base_name()),
        }
    }

    /// The name without its language's suffix: `fetch_all` for `fetch_all_py`.
    pub fn base_name(&self) -> &str {
        match self.language {
            Language::Rust => &self.name,
            Language::Python => {
                self.name.strip_suffix(PYTHON_SUFFIX).unwrap_or(&self.name)
            }
        }
    }

    /// The Python variant this exercise lists, as an exercise of its own.
    fn python_variant(&self) -> Option<ExerciseInfo> {
        let text = self.python.as_ref()?;
        Some(ExerciseInfo {
            name: format!("{}{PYTHON_SUFFIX}", self.name),
            instructions: text.instructions.clone(),
            hints: text.hints.clone(),
            python: None,
            language: Language::Python,
            ..self.clone()
        })
    }
}

/// A problem in `info.toml`, with its line.
#[derive(Clone, Debug, PartialEq)]
pub struct InfoError {
    pub path: PathBuf,
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for InfoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.path.display(), self.line, self.message)
    }
}

impl std::error::Error for InfoError {}

/// The largest info.toml read: forty times today's.
pub const MAX_BYTES: usize = 1 << 20;

/// Read and check the exercises' metadata.
pub fn load(path: &Path) -> Result<Vec<ExerciseInfo>, InfoError> {
    let err = |line: usize, message: String| InfoError {
        path: path.to_path_buf(),
        line,
        message,
    };
    let mut bytes = Vec::new();
    // Bounded: a file far bigger than any info.toml is refused without reading it all.
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_BYTES as u64 + 1).read_to_end(&mut bytes))
        .map_err(|e| err(0, format!("cannot read it: {e}")))?;
    if bytes.len() > MAX_BYTES {
        let line =
            bytes[..MAX_BYTES].iter().filter(|&&b| b == b'\n').count() + 1;
        return Err(err(
            line,
            format!(
                "the file is larger than {} MiB (from this line on), which \
                 no info.toml is",
                MAX_BYTES >> 20
            ),
        ));
    }
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        err(line, "not valid UTF-8".into())
    })?;
    parse(text).map_err(|(line, message)| err(line, message))
}

/// The exercises this binary was built with (checks come from here, never from a file the
/// learner's program could rewrite).
pub fn builtin() -> Vec<ExerciseInfo> {
    parse(crate::embedded::EXERCISES_INFO)
        .expect("the built-in info.toml parses (a unit test in embedded.rs proves it)")
}

/// Parse `info.toml` text; errors carry a 1-based line.
pub fn parse(text: &str) -> Result<Vec<ExerciseInfo>, (usize, String)> {
    let line_of = |offset: usize| {
        text[..offset.min(text.len())].matches('\n').count() + 1
    };
    let file: InfoFile = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(1, |s| line_of(s.start));
        (line, e.message().trim().to_string())
    })?;
    // Where each name is written: a duplicate's line is its own, not the first listing's.
    #[derive(Deserialize)]
    struct Names {
        exercise: Vec<NameAt>,
    }
    #[derive(Deserialize)]
    struct NameAt {
        name: toml::Spanned<String>,
        #[serde(default)]
        checks: Vec<toml::Spanned<toml::Value>>,
    }
    let spans = toml::from_str::<Names>(text)
        .map(|n| n.exercise)
        .unwrap_or_default();
    let names: Vec<usize> =
        spans.iter().map(|e| line_of(e.name.span().start)).collect();
    let mut seen = std::collections::HashSet::new();
    for (i, ex) in file.exercise.iter().enumerate() {
        let line = names.get(i).copied().unwrap_or(1);
        if ex.name.is_empty()
            || !ex.name.chars().all(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'
            })
        {
            return Err((
                line,
                format!("exercise name `{}` must be snake_case", ex.name),
            ));
        }
        if !seen.insert(ex.name.clone()) {
            return Err((
                line,
                format!("exercise `{}` is listed twice", ex.name),
            ));
        }
        if ex.hints.is_empty()
            || ex.python.as_ref().is_some_and(|p| p.hints.is_empty())
        {
            return Err((
                line,
                format!("exercise `{}` has no hints", ex.name),
            ));
        }
        if ex.checks.is_empty() {
            return Err((
                line,
                format!("exercise `{}` has no checks", ex.name),
            ));
        }
        for (j, check) in ex.checks.iter().enumerate() {
            if let Err(why) = check.validate() {
                let line = spans
                    .get(i)
                    .and_then(|s| s.checks.get(j))
                    .map_or(line, |c| line_of(c.span().start));
                return Err((
                    line,
                    format!(
                        "exercise `{}`, check `{}`: {why}",
                        ex.name,
                        check.id()
                    ),
                ));
            }
        }
        if !(ex.time_limit_s > 0.0 && ex.time_limit_s <= 120.0) {
            return Err((
                line,
                format!(
                    "exercise `{}`: time_limit_s must be in 0..=120",
                    ex.name
                ),
            ));
        }
    }
    // Each Python variant right after its Rust exercise; a name taken twice is refused.
    let mut all = Vec::with_capacity(file.exercise.len() * 2);
    for (i, ex) in file.exercise.into_iter().enumerate() {
        let variant = ex.python_variant();
        all.push(ex);
        if let Some(v) = variant {
            if !seen.insert(v.name.clone()) {
                let line = names.get(i).copied().unwrap_or(1);
                return Err((
                    line,
                    format!("exercise `{}` is listed twice", v.name),
                ));
            }
            all.push(v);
        }
    }
    Ok(all)
}
