//! Being written: `stream`.

use super::Scenario;

pub fn scenario() -> Scenario {
    super::placeholder("stream")
}
