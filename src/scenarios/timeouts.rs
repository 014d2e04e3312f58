//! Being written: `timeouts`.

use super::Scenario;

pub fn scenario() -> Scenario {
    super::placeholder("timeouts")
}
