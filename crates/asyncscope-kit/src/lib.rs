//! The small half of asyncscope: record what a real tokio runtime does (every task, poll,
//! wake and resource) into a versioned trace, and the kits the exercises run against.
//!
//! The asyncscope app (timeline, TUI, grader) reads what this crate writes. Record your own
//! program with [`record::Recorder`], then open the file with `asyncscope --open FILE`.
//!
//! With the default `probes` feature, code may also write into its recording on its own
//! account ([`probe::mark`], [`probe::set_value`], named waits). The learners' exercise crate
//! builds without it: their code can run on a kit, and only the kit writes what is graded.

// tokio's task and resource instrumentation, and `task::Builder`, exist only with this cfg.
// Without it the build stops here with one sentence (every module is left out, so no error
// about a missing `Builder` follows it).
#[cfg(not(tokio_unstable))]
compile_error!(
    "asyncscope needs tokio's unstable instrumentation: build with RUSTFLAGS=\"--cfg tokio_unstable\" \
     (cargo install asyncscope --locked --config 'build.rustflags=[\"--cfg\",\"tokio_unstable\"]')"
);

/// Declares an item public with the `probes` feature and crate-private without it, so the
/// kits can use what learner code cannot name. (Visibility cannot be switched by `cfg_attr`.)
macro_rules! with_probes {
    ($(#[$attr:meta])* pub $($item:tt)*) => {
        #[cfg(feature = "probes")]
        $(#[$attr])*
        pub $($item)*

        #[cfg(not(feature = "probes"))]
        $(#[$attr])*
        #[allow(dead_code)]
        pub(crate) $($item)*
    };
}
pub(crate) use with_probes;

#[cfg(tokio_unstable)]
pub mod exercise;
#[cfg(tokio_unstable)]
pub mod probe;
#[cfg(tokio_unstable)]
pub mod record;
#[cfg(tokio_unstable)]
with_probes! {
    /// Recording an async body on a fresh runtime: what lessons and exercises run on.
    pub mod run;
}
#[cfg(tokio_unstable)]
pub mod trace;
