//! Being written: `queue`.

use super::Scenario;

pub fn scenario() -> Scenario {
    super::placeholder("queue")
}
