//! A correct alternative for `shutdown`: the drain races the deadline in a `select!` loop
//! instead of `timeout`; at the deadline what is left is aborted and waited for.

use asyncscope::exercise::kits::shutdown::{
    DEADLINE, Requests, Signal, run,
};
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
    let deadline = tokio::time::sleep(DEADLINE);
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            _ = &mut deadline => {
                in_flight.shutdown().await;
                break;
            }
            done = in_flight.join_next() => {
                if done.is_none() {
                    break;
                }
            }
        }
    }
}

fn main() {
    run(serve);
}
