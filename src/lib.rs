//! asyncscope: record what a real tokio runtime does, and show it as a per-task timeline.
//!
//! Data flows one way: scenario → recorder → [`trace::Trace`] → [`timeline::Timeline`] →
//! [`view`] (cells, axis, names, lints) → exporters, grader, TUI.
//!
//! The recorder, the trace format, the probes and the exercise kits are the small crate
//! `asyncscope-kit` (what learners' exercises and users' own programs link); they are
//! re-exported here under the names the app has always used.
//!
//! The only `unsafe` code (process control, signals, libc) is in [`sandbox`].

#![deny(unsafe_code)]

// tokio's task and resource instrumentation, and `task::Builder`, exist only with this cfg.
// Without it the build stops here with one sentence (every module is left out, so no error
// about a missing `Builder` follows it).
#[cfg(not(tokio_unstable))]
compile_error!(
    "asyncscope needs tokio's unstable instrumentation: build with RUSTFLAGS=\"--cfg tokio_unstable\" \
     (cargo install asyncscope --locked --config 'build.rustflags=[\"--cfg\",\"tokio_unstable\"]')"
);

#[cfg(tokio_unstable)]
pub use asyncscope_kit::{probe, record, trace};

#[cfg(tokio_unstable)]
pub mod console;
#[cfg(tokio_unstable)]
pub mod embedded;
#[cfg(tokio_unstable)]
pub mod exercise;
#[cfg(tokio_unstable)]
pub mod export;
#[cfg(tokio_unstable)]
pub mod grade;
#[cfg(tokio_unstable)]
pub mod lesson;
#[cfg(tokio_unstable)]
pub mod lesson_progress;
#[cfg(tokio_unstable)]
pub mod python;
#[cfg(tokio_unstable)]
pub mod quiz;
#[cfg(tokio_unstable)]
pub mod sandbox;
#[cfg(tokio_unstable)]
pub mod scenarios;
#[cfg(tokio_unstable)]
pub mod term;
#[cfg(tokio_unstable)]
pub mod timeline;
#[cfg(tokio_unstable)]
pub mod tui;
#[cfg(tokio_unstable)]
pub mod view;
