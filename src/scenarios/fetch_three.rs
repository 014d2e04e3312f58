//! Being written: `fetch-three`.

use super::Scenario;

pub fn scenario() -> Scenario {
    super::placeholder("fetch-three")
}
