//! One kit per exercise: the simulated world the learner's function runs in, and the driver
//! that calls it and records what the checks need. Kits live in the library, so the learner's
//! file holds only their own code.

pub mod bank;
pub mod capstone;
pub mod crawler;
pub mod dashboard;
pub mod deadline;
pub mod fetch_all;
pub mod find_the_blocker;
pub mod first_answer;
pub mod forgot_to_await;
pub mod offload;
pub mod paginate;
pub mod predict_the_winner;
pub mod retry;
pub mod shutdown;
pub mod start_gate;
pub mod worker_pool;
