//! Exporters: a [`Timeline`] as text for a terminal, as a JSON summary for scripts, or as a
//! Chrome trace for Perfetto and chrome://tracing.
//!
//! - [`text::render`]: a Unicode per-task timeline that fits a given width, followed by the
//!   same facts in plain words (what a learner pastes into a question, what a screen reader
//!   reads).
//! - [`json::to_value`]: one JSON object per run; a stable, documented contract.
//! - [`chrome::to_value`]: the Chrome trace event format.

pub mod chrome;
pub mod json;
pub mod text;

use crate::timeline::Timeline;
use std::fmt;
use std::str::FromStr;

/// The output formats of `asyncscope run --format`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The text timeline, then the same facts in plain words.
    #[default]
    Text,
    /// The JSON summary, a stable contract for scripts.
    Json,
    /// A Chrome trace for Perfetto and chrome://tracing.
    Chrome,
}

impl Format {
    pub const ALL: [Format; 3] =
        [Format::Text, Format::Json, Format::Chrome];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Chrome => "chrome",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Format, String> {
        Format::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                format!(
                    "`{s}` is not a format; use one of: text, json, chrome"
                )
            })
    }
}

/// The export of `timeline` in `format`, ending with a newline. `width` only matters for text.
pub fn render(timeline: &Timeline, format: Format, width: u16) -> String {
    match format {
        Format::Text => text::render(timeline, width),
        Format::Json => json::to_string_pretty(timeline) + "\n",
        Format::Chrome => chrome::to_string(timeline) + "\n",
    }
}

/// ns → seconds.
pub(crate) fn secs(ns: u64) -> f64 {
    ns as f64 / 1e9
}
