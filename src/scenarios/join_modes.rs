//! Being written: `join-modes`.

use super::Scenario;

pub fn scenario() -> Scenario {
    super::placeholder("join-modes")
}
