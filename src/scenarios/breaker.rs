//! Being written: `breaker`.

use super::Scenario;

pub fn scenario() -> Scenario {
    super::placeholder("breaker")
}
