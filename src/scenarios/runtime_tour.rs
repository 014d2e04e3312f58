//! Being written: `runtime-tour`.

use super::Scenario;

pub fn scenario() -> Scenario {
    super::placeholder("runtime-tour")
}
