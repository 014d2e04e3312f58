//! Wrong: one lock for the whole bank. Correct, but every transfer waits
//! for every other one, even those on other accounts.

use asyncscope::exercise::kits::bank::{Bank, run};
use std::sync::Arc;
use tokio::sync::Mutex;

static BANK_LOCK: Mutex<()> = Mutex::const_new(());

async fn transfer(bank: Arc<Bank>, from: char, to: char, amount: i64) {
    let _all = BANK_LOCK.lock().await;
    let from_balance = bank.balance(from);
    let to_balance = bank.balance(to);
    bank.write(from, from_balance - amount).await;
    bank.write(to, to_balance + amount).await;
}

fn main() {
    run(transfer);
}
