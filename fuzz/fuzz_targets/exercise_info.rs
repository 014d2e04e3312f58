//! `info::parse` and `info::load` on any bytes: see `props::exercise_info`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::LazyLock;

// Each target uses one of the shared checks.
#[allow(dead_code)]
#[path = "../props.rs"]
mod props;

/// One file per fuzzing process (`-jobs` runs several), rewritten for each input.
static FILE: LazyLock<PathBuf> = LazyLock::new(|| {
    std::env::temp_dir()
        .join(format!("asyncscope-fuzz-info-{}.toml", std::process::id()))
});

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        props::exercise_info(text);
    }
    props::exercise_info_file(data, &FILE);
});
