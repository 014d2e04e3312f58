//! The terminal UI: lessons beside the live timeline of their runs, playback, an inspector,
//! knobs and compare, prediction questions, instructor mode; and the exercise screen (checks,
//! hints, the learner's timeline beside the reference solution's).
//!
//! State lives in [`app`] (changed by ticks, never drawing, knowing no keys); [`ui`] draws it;
//! [`screens`] are the components that turn keys into changes (one binding table each, which
//! the help and the key bar are written from) and put the drawing together; [`event`] runs
//! the loop (crossterm's `EventStream` and a frame tick in one `select!`).
//! Runs are recorded on their own thread ([`live`]) and replayed from their trace
//! ([`playback`]); [`lanes`] turns a timeline into one row of cells per lane.

pub mod app;
pub mod built;
pub mod event;
pub mod exercise;
pub mod keys;
pub mod lanes;
pub mod live;
pub mod markdown;
pub mod playback;
pub mod screens;
pub mod theme;
pub mod ui;

pub use app::{App, Config};
pub use event::run;
pub use screens::draw;
