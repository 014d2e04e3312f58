//! Being written: `flavors`.

use super::Scenario;

pub fn scenario() -> Scenario {
    super::placeholder("flavors")
}
