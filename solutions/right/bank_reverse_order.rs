//! A correct alternative for `bank`: both locks in one global order, taken the other way
//! round (the later account first); any fixed order prevents the circle.

use asyncscope::exercise::kits::bank::{Bank, run};
use std::sync::Arc;

async fn transfer(bank: Arc<Bank>, from: char, to: char, amount: i64) {
    let (first, second) = (from.max(to), from.min(to));
    let _first = bank.lock(first).await;
    let _second = bank.lock(second).await;
    let (from_balance, to_balance) = (bank.balance(from), bank.balance(to));
    bank.write(from, from_balance - amount).await;
    bank.write(to, to_balance + amount).await;
}

fn main() {
    run(transfer);
}
