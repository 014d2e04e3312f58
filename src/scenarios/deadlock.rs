//! Being written: `deadlock`.

use super::Scenario;

pub fn scenario() -> Scenario {
    super::placeholder("deadlock")
}
