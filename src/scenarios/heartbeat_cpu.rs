//! Being written: `heartbeat-cpu`.

use super::Scenario;

pub fn scenario() -> Scenario {
    super::placeholder("heartbeat-cpu")
}
