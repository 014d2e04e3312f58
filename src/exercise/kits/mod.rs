//! One kit per exercise: the simulated world the learner's function runs in, and the driver
//! that calls it and records what the checks need. Kits live in the library, so the learner's
//! file holds only their own code.

pub mod fetch_all;
pub mod forgot_to_await;
