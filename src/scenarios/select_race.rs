//! Being written: `select-race`.

use super::Scenario;

pub fn scenario() -> Scenario {
    super::placeholder("select-race")
}
