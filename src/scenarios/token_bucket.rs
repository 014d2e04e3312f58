//! Being written: `token-bucket`.

use super::Scenario;

pub fn scenario() -> Scenario {
    super::placeholder("token-bucket")
}
