//! Exercise `bank` (lesson 7): transfers between accounts that keep the total constant, still
//! run side by side when they touch different accounts, and never deadlock.
//!
//! Each account has a balance in a slow ledger (reading is instant, writing takes 0.4u) and its
//! own lock, a tokio Mutex that takes 0.1u to set up once acquired. The lock protects nothing
//! by itself: a transfer is safe only if it holds the locks of both its accounts from its reads
//! to its writes.

use crate::exercise::harness::{self, Setup};
use crate::probe;
use serde_json::json;
use std::collections::BTreeMap;
use std::future::Future;
use std::panic::Location;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard};

const SETUP: Setup = Setup {
    // A deadlock is stopped (and named) here.
    limit_units: 20.0,
    ..Setup::new("bank")
};

/// What every account holds at the start.
const OPENING_BALANCE: i64 = 100;
/// How long a ledger write takes, in units.
const WRITE_UNITS: f64 = 0.4;
/// How long a lock takes to set up once acquired, in units.
const LOCK_UNITS: f64 = 0.1;

/// The transfers, all started at once: three between A and B, three between C and D.
const TRANSFERS: [(char, char, i64); 6] = [
    ('A', 'B', 30),
    ('B', 'A', 20),
    ('C', 'D', 50),
    ('D', 'C', 10),
    ('B', 'A', 15),
    ('C', 'D', 25),
];

struct Account {
    name: char,
    balance: AtomicI64,
    lock: Arc<Mutex<()>>,
}

/// Four accounts, A to D, each with its own lock.
pub struct Bank {
    accounts: Vec<Account>,
}

/// An account's lock, held until this is dropped.
pub struct AccountLock {
    _guard: OwnedMutexGuard<()>,
}

impl Bank {
    fn new() -> Bank {
        let accounts = ['A', 'B', 'C', 'D']
            .into_iter()
            .map(|name| {
                let lock = Arc::new(Mutex::new(()));
                // Named right after it is made, so the timeline says which account is locked.
                probe::label_resource(&format!("account {name}"));
                Account {
                    name,
                    balance: AtomicI64::new(OPENING_BALANCE),
                    lock,
                }
            })
            .collect();
        Bank { accounts }
    }

    fn account(&self, name: char) -> &Account {
        self.accounts
            .iter()
            .find(|a| a.name == name)
            .unwrap_or_else(|| panic!("there is no account {name:?}"))
    }

    /// The balance of `account` in the ledger, read at once.
    pub fn balance(&self, account: char) -> i64 {
        let balance = self.account(account).balance.load(Ordering::SeqCst);
        probe::mark(&format!("read {account} = {balance}"));
        balance
    }

    /// Write the new balance of `account` to the ledger: it takes 0.4u, and the balance is
    /// stored at the end.
    #[track_caller]
    pub fn write(
        &self,
        account: char,
        balance: i64,
    ) -> impl Future<Output = ()> + Send + '_ {
        let called_at = Location::caller();
        async move {
            let wait =
                tokio::time::sleep(Duration::from_secs_f64(WRITE_UNITS));
            let label = format!("ledger write {account}");
            probe::wait_on_at(&label, called_at, wait).await;
            self.account(account)
                .balance
                .store(balance, Ordering::SeqCst);
            probe::mark(&format!("wrote {account} = {balance}"));
        }
    }

    /// Lock `account`: waits while another transfer holds its lock, then takes 0.1u to set
    /// it up. The lock is released when the returned `AccountLock` is dropped.
    pub async fn lock(&self, account: char) -> AccountLock {
        let guard = self.account(account).lock.clone().lock_owned().await;
        probe::mark(&format!("locked {account}"));
        let setup = tokio::time::sleep(Duration::from_secs_f64(LOCK_UNITS));
        probe::wait_on(&format!("taking lock {account}"), setup).await;
        AccountLock { _guard: guard }
    }

    fn balances(&self) -> BTreeMap<String, i64> {
        self.accounts
            .iter()
            .map(|a| (a.name.to_string(), a.balance.load(Ordering::SeqCst)))
            .collect()
    }
}

/// Drive the learner's `transfer`: six transfers, each in a task of its own, all started at
/// once; then record the balances.
pub fn run<F, Fut>(transfer: F)
where
    F: Fn(Arc<Bank>, char, char, i64) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    harness::run(&SETUP, move |_ctx| {
        Box::pin(async move {
            let bank = Arc::new(Bank::new());
            let mut expected = bank.balances();
            for (from, to, amount) in TRANSFERS {
                *expected.entry(from.to_string()).or_default() -= amount;
                *expected.entry(to.to_string()).or_default() += amount;
            }
            let expected_total: i64 = expected.values().sum();
            probe::set_value("expected_balances", json!(expected));
            probe::set_value("expected_total", expected_total);
            let tasks: Vec<_> = TRANSFERS
                .iter()
                .enumerate()
                .map(|(i, &(from, to, amount))| {
                    probe::spawn(
                        &format!("transfer-{} {from}→{to}", i + 1),
                        transfer(bank.clone(), from, to, amount),
                    )
                })
                .collect();
            for task in tasks {
                let _ = task.await;
            }
            let balances = bank.balances();
            let total: i64 = balances.values().sum();
            probe::set_value("balances", json!(balances));
            probe::set_value("total", total);
        })
    });
}
