//! Deadlock: two transfers take the locks of two accounts in opposite order.
//!
//! "transfer-ab" locks account A, pauses, then wants B; "transfer-ba" locks B, pauses, then
//! wants A. Each holds what the other waits for, forever: the run only ends at its 3u limit and
//! the timeline names the cycle. Taking the locks in one global order (A before B, whatever the
//! direction of the transfer) makes the second transfer wait its turn instead.

use super::{Ctx, KnobKind, KnobSpec, Knobs, Scenario, current_thread};
use crate::probe;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;
use tokio::time::sleep;

pub fn scenario() -> Scenario {
    Scenario {
        id: "deadlock",
        title: "Deadlock: two locks taken in opposite order",
        summary: "Two transfers lock accounts A and B in opposite order, with a short await in \
                  between. Each ends up holding the lock the other needs: nothing moves until \
                  the run is stopped. Locking in one global order lets both finish.",
        knobs: vec![
            KnobSpec {
                name: "order",
                kind: KnobKind::Choice(&["opposite", "same"]),
                default: "opposite",
                help: "each transfer locks its source first (opposite orders), or both lock A \
                       before B",
            },
            KnobSpec {
                name: "pause",
                kind: KnobKind::Float {
                    min: 0.01,
                    max: 1.0,
                },
                default: "0.1",
                help: "how long a transfer awaits between taking its first and second lock, in \
                       units",
            },
        ],
        limit_units: 3.0,
        flavor: current_thread,
        run: |ctx, knobs| Box::pin(run(ctx, knobs)),
    }
}

// lesson:start deadlock
struct Account {
    name: char,
    balance: Mutex<i64>,
}

/// Move `amount` from one account to the other, holding both locks.
async fn transfer(
    from: Arc<Account>,
    to: Arc<Account>,
    amount: i64,
    pause: Duration,
    ordered: bool,
) {
    // With `ordered`, lock the accounts alphabetically whatever the direction of the transfer.
    let swap = ordered && to.name < from.name;
    let (first, second) = if swap { (&to, &from) } else { (&from, &to) };

    let mut first_guard = first.balance.lock().await;
    probe::mark(&format!("locked {}", first.name));
    sleep(pause).await; // the other transfer runs here and takes its first lock
    probe::mark(&format!("waiting for {}", second.name));
    let mut second_guard = second.balance.lock().await; // opposite order: waits forever
    probe::mark(&format!("locked {}", second.name));

    let (from_balance, to_balance) = if swap {
        (&mut *second_guard, &mut *first_guard)
    } else {
        (&mut *first_guard, &mut *second_guard)
    };
    *from_balance -= amount;
    *to_balance += amount;
}

async fn two_transfers(pause: Duration, ordered: bool) -> (i64, i64) {
    let a = Arc::new(Account {
        name: 'A',
        balance: Mutex::new(100),
    });
    let b = Arc::new(Account {
        name: 'B',
        balance: Mutex::new(100),
    });
    let ab = probe::spawn(
        "transfer-ab",
        transfer(a.clone(), b.clone(), 30, pause, ordered),
    );
    let ba = probe::spawn(
        "transfer-ba",
        transfer(b.clone(), a.clone(), 10, pause, ordered),
    );
    let _ = tokio::join!(ab, ba); // with opposite orders, this never returns
    let (a_balance, b_balance) = (*a.balance.lock().await, *b.balance.lock().await);
    (a_balance, b_balance)
}
// lesson:end deadlock

async fn run(ctx: Ctx, knobs: Knobs) {
    probe::set_value("transfers_done", 0);
    let ordered = knobs.choice("order") == "same";
    let (a, b) = two_transfers(ctx.u(knobs.float("pause")), ordered).await;
    probe::set_value("transfers_done", 2);
    probe::set_value("balance_a", a);
    probe::set_value("balance_b", b);
    probe::set_value("total", a + b);
}
