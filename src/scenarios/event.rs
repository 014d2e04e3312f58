//! Being written: `event`.

use super::Scenario;

pub fn scenario() -> Scenario {
    super::placeholder("event")
}
