//! Being written: `retry`.

use super::Scenario;

pub fn scenario() -> Scenario {
    super::placeholder("retry")
}
