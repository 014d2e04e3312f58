//! Exercise `shutdown` — after lesson 14, "Structured concurrency and shutdown".
//!
//! A server accepts a request every 0.3u and handles each in its own task (most take 1u, one
//! takes 5u). Ctrl-C arrives at 2u. Then: stop accepting at once, let the requests in flight
//! finish, cancel whatever is still running `DEADLINE` (1.5u) after the signal, and return
//! only when no request task is left.
//!
//! Check it: `asyncscope check shutdown` (or keep `asyncscope watch` running).

use asyncscope::exercise::kits::shutdown::{
    DEADLINE, Requests, Signal, run,
};
use asyncscope::probe;

async fn serve(mut requests: Requests, signal: Signal) {
    // TODO: this server accepts requests forever and never looks at
    // `signal`, and nobody keeps track of the tasks it spawns. Stop
    // accepting when `signal.recv()` fires, give the requests in flight
    // until DEADLINE to finish, cancel the rest, and wait until every
    // request task has ended.
    let _ = (signal, DEADLINE);
    loop {
        let request = requests.next().await;
        probe::spawn(&request.name(), request.handle());
    }
}

fn main() {
    run(serve);
}
