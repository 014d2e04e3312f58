//! Reference solution for `bank`.

use asyncscope::exercise::kits::bank::{Bank, run};
use std::sync::Arc;

async fn transfer(bank: Arc<Bank>, from: char, to: char, amount: i64) {
    // Lock both accounts, always in the same order (alphabetical) whatever
    // the direction, so two transfers never wait on each other in a circle.
    let (first, second) = if from < to { (from, to) } else { (to, from) };
    let _first = bank.lock(first).await;
    let _second = bank.lock(second).await;
    // Held from the reads to the writes: no one else can change these
    // balances in between.
    let from_balance = bank.balance(from);
    let to_balance = bank.balance(to);
    bank.write(from, from_balance - amount).await;
    bank.write(to, to_balance + amount).await;
} // both locks are released here

fn main() {
    run(transfer);
}
