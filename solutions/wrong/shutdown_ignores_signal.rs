//! Wrong: the requests are owned by a JoinSet, but the accept loop never looks at the signal,
//! so the server never stops.

use asyncscope::exercise::kits::shutdown::{Requests, Signal, run};
use asyncscope::probe;
use tokio::task::JoinSet;

async fn serve(mut requests: Requests, _signal: Signal) {
    let mut in_flight = JoinSet::new();
    loop {
        let request = requests.next().await;
        probe::spawn_in(&mut in_flight, &request.name(), request.handle());
        // Reap the finished requests so the set does not grow forever.
        while in_flight.try_join_next().is_some() {}
    }
}

fn main() {
    run(serve);
}
