//! Exercise `bank` — after lesson 07, "Race conditions and locks".
//!
//! Six transfers run at once: three between accounts A and B, three between C and D. Reading
//! a balance is instant, but writing one to the ledger takes 0.4u, and other transfers run
//! meanwhile. Make `transfer` safe: no money may appear or vanish. Each account has its own
//! lock (`bank.lock(account)`, released when dropped; taking it costs 0.1u). Transfers on A/B
//! must still run beside those on C/D, and no transfer may wait forever.
//!
//! Check it: `asyncscope check bank` (or keep `asyncscope watch` running).

use asyncscope::exercise::kits::bank::{Bank, run};
use std::sync::Arc;

async fn transfer(bank: Arc<Bank>, from: char, to: char, amount: i64) {
    // TODO: another transfer can change these balances while we wait for
    // our writes, and its update is lost.
    let from_balance = bank.balance(from);
    let to_balance = bank.balance(to);
    bank.write(from, from_balance - amount).await;
    bank.write(to, to_balance + amount).await;
}

fn main() {
    run(transfer);
}
