//! asyncscope: record what a real tokio runtime does, and show it as a per-task timeline.
//!
//! Data flows one way: scenario → recorder → [`trace::Trace`] → [`timeline::Timeline`] →
//! [`view`] (cells, axis, names, lints) → exporters, grader, TUI.
//!
//! The only `unsafe` code (process control, signals, libc) is in [`sandbox`].

#![deny(unsafe_code)]

pub mod exercise;
pub mod export;
pub mod grade;
pub mod lesson;
pub mod lesson_progress;
pub mod probe;
pub mod python;
pub mod quiz;
pub mod sandbox;
pub mod scenarios;
pub mod timeline;
pub mod trace;
pub mod tui;
pub mod view;
