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

/// Move `amount` between two accounts, holding both locks.
async fn transfer(
    from: Arc<Account>,
    to: Arc<Account>,
    amount: i64,
    pause: Duration,
    sorted: bool,
) {
    // The fix: lock the accounts in one global order (by name),
    // whatever the direction.
    let swap = sorted && to.name < from.name;
    let (first, second) = if swap { (&to, &from) } else { (&from, &to) };

    let mut first_guard = first.balance.lock().await;
    probe::mark(&format!("locked {}", first.name));
    sleep(pause).await; // meanwhile the other transfer takes its first lock
    probe::mark(&format!("waiting for {}", second.name));
    // With opposite orders, this waits forever.
    let mut second_guard = second.balance.lock().await;
    probe::mark(&format!("locked {}", second.name));

    // The amount moves from `first` to `second`.
    let moved = if swap { -amount } else { amount };
    *first_guard -= moved;
    *second_guard += moved;
}

async fn two_transfers(
    a: Arc<Account>,
    b: Arc<Account>,
    pause: Duration,
    sorted: bool,
) {
    let ab = probe::spawn(
        "transfer-ab",
        transfer(a.clone(), b.clone(), 30, pause, sorted),
    );
    let ba = probe::spawn("transfer-ba", transfer(b, a, 10, pause, sorted));
    // With opposite orders, this never returns.
    let _ = tokio::join!(ab, ba);
}
// lesson:end deadlock

async fn run(ctx: Ctx, knobs: Knobs) {
    probe::set_value("transfers_done", 0);
    // Name each Mutex right after it is made, so the timeline says which account is locked.
    let a = Arc::new(Account {
        name: 'A',
        balance: Mutex::new(100),
    });
    probe::label_resource("account A");
    let b = Arc::new(Account {
        name: 'B',
        balance: Mutex::new(100),
    });
    probe::label_resource("account B");
    let sorted = knobs.choice("order") == "same";
    two_transfers(
        a.clone(),
        b.clone(),
        ctx.u(knobs.float("pause")),
        sorted,
    )
    .await;
    let (a, b) = (*a.balance.lock().await, *b.balance.lock().await);
    probe::set_value("transfers_done", 2);
    probe::set_value("balance_a", a);
    probe::set_value("balance_b", b);
    probe::set_value("total", a + b);
}
