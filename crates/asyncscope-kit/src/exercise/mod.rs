//! What exercise binaries link: one kit per exercise (the simulated world the learner's code
//! runs in) and the harness that records the run and hands the trace to `asyncscope check`.

with_probes! {
    pub mod harness;
}
pub mod kits;
