//! The terminal UI: lessons beside the live timeline of their runs, playback, an inspector,
//! knobs and compare, prediction questions, instructor mode; and the exercise screen (checks,
//! hints, the learner's timeline beside the reference solution's).
//!
//! State lives in [`app`] (updated by keys, mouse and ticks, never drawing); [`ui`] draws it;
//! [`event`] runs the loop (crossterm's `EventStream` and a frame tick in one `select!`).
//! Runs are recorded on their own thread ([`live`]) and replayed from their trace
//! ([`playback`]); [`lanes`] turns a timeline into one row of cells per lane.

pub mod app;
pub mod built;
pub mod event;
pub mod exercise;
pub mod lanes;
pub mod live;
pub mod markdown;
pub mod playback;
pub mod theme;
pub mod ui;

pub use app::{App, Config};
pub use event::run;
