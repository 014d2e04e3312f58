//! Wrong: stops accepting on the signal, then returns at once: the requests in flight are
//! left running, and nobody waits for them.

use asyncscope::exercise::kits::shutdown::{Requests, Signal, run};
use asyncscope::probe;

async fn serve(mut requests: Requests, signal: Signal) {
    loop {
        tokio::select! {
            biased;
            _ = signal.recv() => break,
            request = requests.next() => {
                probe::spawn(&request.name(), request.handle());
            }
        }
    }
}

fn main() {
    run(serve);
}
