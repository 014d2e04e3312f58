//! Being written: `barrier`.

use super::Scenario;

pub fn scenario() -> Scenario {
    super::placeholder("barrier")
}
