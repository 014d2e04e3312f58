//! Being written: `lost-update`.

use super::Scenario;

pub fn scenario() -> Scenario {
    super::placeholder("lost-update")
}
