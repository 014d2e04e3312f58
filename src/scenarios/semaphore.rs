//! Being written: `semaphore`.

use super::Scenario;

pub fn scenario() -> Scenario {
    super::placeholder("semaphore")
}
