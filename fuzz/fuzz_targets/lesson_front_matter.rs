//! `lesson::parse` on any bytes: see `props::lesson` for what is checked.
#![no_main]

use libfuzzer_sys::fuzz_target;

// Each target uses one of the shared checks.
#[allow(dead_code)]
#[path = "../props.rs"]
mod props;

fuzz_target!(|data: &[u8]| props::lesson(data));
