//! Being written: `shutdown`.

use super::Scenario;

pub fn scenario() -> Scenario {
    super::placeholder("shutdown")
}
