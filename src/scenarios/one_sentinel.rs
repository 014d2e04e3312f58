//! Being written: `one-sentinel`.

use super::Scenario;

pub fn scenario() -> Scenario {
    super::placeholder("one-sentinel")
}
