//! asyncscope: record what a real tokio runtime does, and show it as a per-task timeline.
//!
//! Data flows one way: scenario → recorder → [`trace::Trace`] → [`timeline::Timeline`] →
//! exporters, grader, TUI.

pub mod exercise;
pub mod export;
pub mod grade;
pub mod lesson;
pub mod probe;
pub mod sandbox;
pub mod scenarios;
pub mod timeline;
pub mod trace;
pub mod tui;
