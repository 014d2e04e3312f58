//! Wrong: on the signal every request in flight is cancelled at once, even those that would
//! have finished well within the deadline.

use asyncscope::exercise::kits::shutdown::{Requests, Signal, run};
use asyncscope::probe;
use tokio::task::JoinSet;

async fn serve(mut requests: Requests, signal: Signal) {
    let mut in_flight = JoinSet::new();
    loop {
        tokio::select! {
            biased;
            _ = signal.recv() => break,
            request = requests.next() => {
                let name = request.name();
                probe::spawn_in(&mut in_flight, &name, request.handle());
            }
        }
    }
    in_flight.shutdown().await;
}

fn main() {
    run(serve);
}
