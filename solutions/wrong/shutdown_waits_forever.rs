//! Wrong: stops accepting and waits for every request in flight, with no deadline: the slow
//! one (5u) keeps the server from shutting down.

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
    in_flight.join_all().await;
}

fn main() {
    run(serve);
}
