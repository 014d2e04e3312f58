//! The view: everything a learner sees of a run, computed once from the timeline, with no UI
//! dependency. The text export, the TUI and the grader's messages all use it, so a run reads
//! the same wherever it is shown.
//!
//! - [`cells`]: a lane cut into cells for a window of the runtime clock, one state per cell
//!   (the rule is documented there); a column never shows more running lanes than threads
//!   that polled in it.
//! - [`axis`]: the 1-2-5 tick step and the unit labels.
//! - [`names`]: which lanes there are, in which order; what each thread is called.
//! - [`lints`]: what went wrong, one enum, a sentence each.
//! - [`waits`]: concurrency inside a task: its labelled waits as sub-lanes.
//! - [`findings`]: what a run found (warnings, probes, values), as the text export and the
//!   TUI's findings pane show it.

pub mod axis;
pub mod cells;
pub mod findings;
pub mod lints;
pub mod names;
pub mod waits;

pub use cells::{Cell, LEGEND, Window};
pub use lints::Lint;
