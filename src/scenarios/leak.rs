//! Being written: `leak`.

use super::Scenario;

pub fn scenario() -> Scenario {
    super::placeholder("leak")
}
