//! Wrong: locks the source account, then the destination. A→B and B→A
//! each take their first lock and wait forever for the other's.

use asyncscope::exercise::kits::bank::{Bank, run};
use std::sync::Arc;

async fn transfer(bank: Arc<Bank>, from: char, to: char, amount: i64) {
    let _from = bank.lock(from).await;
    let _to = bank.lock(to).await;
    let from_balance = bank.balance(from);
    let to_balance = bank.balance(to);
    bank.write(from, from_balance - amount).await;
    bank.write(to, to_balance + amount).await;
}

fn main() {
    run(transfer);
}
