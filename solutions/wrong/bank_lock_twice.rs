//! Wrong: locks to read, lets go, then locks again to write. Between the
//! two, another transfer reads the same balances: updates are lost as with
//! no lock at all.

use asyncscope::exercise::kits::bank::{Bank, run};
use std::sync::Arc;

async fn transfer(bank: Arc<Bank>, from: char, to: char, amount: i64) {
    let (first, second) = if from < to { (from, to) } else { (to, from) };
    let (from_balance, to_balance) = {
        let _first = bank.lock(first).await;
        let _second = bank.lock(second).await;
        (bank.balance(from), bank.balance(to))
    };
    let _first = bank.lock(first).await;
    let _second = bank.lock(second).await;
    bank.write(from, from_balance - amount).await;
    bank.write(to, to_balance + amount).await;
}

fn main() {
    run(transfer);
}
