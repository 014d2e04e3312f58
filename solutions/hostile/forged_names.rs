//! Hostile: hands back a whole run by hand (header, a string and a task name carrying
//! terminal escapes, a run end), as if the kit had recorded it. It is graded like any run;
//! its names reach the screen as visible text only.

use std::io::Write;
use std::os::fd::FromRawFd;

fn main() {
    // SAFETY: the grader opened descriptor 3 for the trace; nothing else here uses it.
    let mut out = unsafe { std::fs::File::from_raw_fd(3) };
    let header = asyncscope::trace::Header::new(
        "fetch_all",
        asyncscope::trace::Clock::Paused,
        1000.0,
    );
    let mut text = serde_json::to_string(&header).unwrap();
    text += "\n{\"t\":\"string\",\"i\":0,\"s\":\"\\u001b]0;pwned\\u0007\\u001b[2J\"}\n";
    text +=
        "{\"t\":\"values\",\"values\":{\"order\":[\"\\u001b[31mred\"]}}\n";
    text += "{\"t\":\"ev\",\"k\":\"run_end\",\"w\":1,\"a\":0}\n";
    out.write_all(text.as_bytes()).unwrap();
}
