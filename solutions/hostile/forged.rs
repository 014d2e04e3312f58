//! Hostile: hands back a forged trace, a header and nothing else (no tasks, no run end), on
//! the descriptor the grader gave it, and exits 0.

use std::io::Write;
use std::os::fd::FromRawFd;

fn main() {
    let fd: i32 = std::env::var("ASYNCSCOPE_TRACE_OUT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    // SAFETY: the grader opened this descriptor for the trace; nothing else here uses it.
    let mut out = unsafe { std::fs::File::from_raw_fd(fd) };
    let header = asyncscope::trace::Header::new(
        "fetch_all",
        asyncscope::trace::Clock::Paused,
        1000.0,
    );
    let trace = asyncscope::trace::Trace::empty(header);
    asyncscope::trace::jsonl::write(&trace, &mut out).unwrap();
    out.flush().unwrap();
}
