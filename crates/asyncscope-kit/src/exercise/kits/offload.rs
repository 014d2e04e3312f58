//! Exercise `offload` (lesson 12): hash eight blocks (CPU work, 50 to 80 ms of wall time each)
//! while the heartbeat keeps its 10 ms beat, and return the hashes in the blocks' order.

use crate::exercise::harness::{self, Setup};
use crate::probe;
use serde_json::json;
use std::future::Future;
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use tokio::runtime::Handle;

/// Two blocking threads: a job per block would otherwise start eight computing threads, which
/// on a 2-core machine starve the runtime thread (its lag and poll times then depend on the
/// machine's cores, not on the learner's code). Two keep jobs of different lengths finishing
/// out of the blocks' order, so collecting results as they finish is still caught.
const SETUP: Setup = Setup {
    max_blocking_threads: Some(2),
    ..Setup::new("offload")
};

/// The blocks the learner hashes.
pub const BLOCKS: u64 = 8;

const FNV_PRIME: u64 = 0x0100_0000_01b3;

/// How long hashing `block` keeps a CPU busy, in wall-clock ms: 50 to 80, so blocks hashed
/// side by side finish in a different order than they started.
fn block_ms(block: u64) -> u64 {
    80 - 10 * (block % 4)
}

/// The hash of `block`: the same on every machine and in every build.
fn block_hash(block: u64) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325 ^ block;
    for i in 0..1_000u64 {
        hash = (hash ^ i).wrapping_mul(FNV_PRIME);
    }
    hash
}

/// The exercise's runtime, whose clock is paused: set when the run starts.
static PAUSED_RUNTIME: OnceLock<Handle> = OnceLock::new();

/// Hash `block`: plain CPU work with no `.await` inside. It keeps the thread that calls it
/// busy for 50 to 80 ms of wall time (longer on a loaded machine, never shorter).
pub fn hash_block(block: u64) -> u64 {
    // On a thread tokio does not know (std::thread, rayon) the paused clock would race ahead
    // of the hashing to the time limit; the runtime's own threads (the blocking pool
    // included) already keep it still while they work.
    let _hold = match Handle::try_current() {
        Ok(_) => None,
        Err(_) => PAUSED_RUNTIME.get().map(probe::hold_paused_clock),
    };
    let start = Instant::now();
    let hash = block_hash(block);
    // Keep hashing until the block's time is up, whatever the machine's speed.
    let length = Duration::from_millis(block_ms(block));
    let mut busy = hash;
    while start.elapsed() < length {
        for i in 0..1_000u64 {
            busy = (busy ^ i).wrapping_mul(FNV_PRIME);
        }
        // Let the OS run other threads (the runtime's) on this core now and then. That does
        // not free the runtime: hashed inside a task, a block still holds its thread.
        std::thread::yield_now();
    }
    std::hint::black_box(busy);
    hash
}

/// Drive the learner's `hash_all` with blocks 1 to 8 beside the heartbeat, and record what
/// the checks need.
pub fn run<F, Fut>(hash_all: F)
where
    F: FnOnce(Vec<u64>) -> Fut + Send + 'static,
    Fut: Future<Output = Vec<u64>> + Send + 'static,
{
    harness::run(&SETUP, move |ctx| {
        Box::pin(async move {
            if ctx.clock == crate::trace::Clock::Paused {
                let _ = PAUSED_RUNTIME.set(Handle::current());
            }
            let heartbeat = ctx.start_heartbeat();
            let blocks: Vec<u64> = (1..=BLOCKS).collect();
            let hex = |hashes: &[u64]| -> Vec<String> {
                hashes.iter().map(|h| format!("{h:016x}")).collect()
            };
            let expected: Vec<u64> =
                blocks.iter().map(|&b| block_hash(b)).collect();
            probe::set_value("expected", json!(hex(&expected)));
            tokio::time::sleep(ctx.u(0.2)).await; // the heartbeat finds its beat
            let hashes = hash_all(blocks).await;
            probe::set_value("results", json!(hex(&hashes)));
            tokio::time::sleep(ctx.u(0.2)).await; // and keeps it afterwards
            heartbeat.abort();
        })
    });
}
