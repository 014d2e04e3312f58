//! Reference solution for `shutdown`.

use asyncscope::exercise::kits::shutdown::{
    DEADLINE, Requests, Signal, run,
};
use asyncscope::probe;
use tokio::task::JoinSet;
use tokio::time::timeout;

async fn serve(mut requests: Requests, signal: Signal) {
    // The JoinSet owns every request task: nothing can outlive `serve`.
    let mut in_flight = JoinSet::new();
    loop {
        tokio::select! {
            biased; // a request and the signal at once: the signal wins
            _ = signal.recv() => break,
            request = requests.next() => {
                let name = request.name();
                probe::spawn_in(&mut in_flight, &name, request.handle());
            }
        }
    }
    // Drain: the requests in flight may finish until the deadline...
    let drain = async { while in_flight.join_next().await.is_some() {} };
    if timeout(DEADLINE, drain).await.is_err() {
        // ...then what is still running is cancelled, and waited for.
        in_flight.shutdown().await;
    }
}

fn main() {
    run(serve);
}
