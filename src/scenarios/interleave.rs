//! Being written: `interleave`.

use super::Scenario;

pub fn scenario() -> Scenario {
    super::placeholder("interleave")
}
