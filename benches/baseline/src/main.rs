//! Plain tokio: the yield loop of `benches/recorder_overhead.rs` on a tokio built without its
//! `tracing` feature (with only `rt` and `time`, or, with the `asyncscope-features` feature,
//! asyncscope's tokio features minus `tracing`). Prints one result line for the bench to parse.
//!
//! Usage: `asyncscope-bench-baseline <cycles> <warmup>`.

mod workload;

fn main() {
    let (cycles, warmup) = workload::cycles_from_args();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    workload::timed_run(&rt, warmup);
    let elapsed = workload::timed_run(&rt, cycles);
    drop(rt);
    println!(
        "{} config={} cycles={cycles} ns_per_cycle={:.3}",
        workload::RESULT_PREFIX,
        if cfg!(feature = "asyncscope-features") {
            "plain-full"
        } else {
            "plain"
        },
        workload::per_cycle(elapsed, cycles)
    );
}
