//! Hostile: asks for 4 GiB and touches every page of it, past the runner's memory limit. It
//! prints a lot of debugging to stderr first, so the allocation failure is far from the start
//! of what it printed.

fn main() {
    for i in 0..1000 {
        eprintln!("debug: about to allocate, step {i} of 1000");
    }
    let mut big = vec![0u8; 4 << 30];
    for i in (0..big.len()).step_by(4096) {
        big[i] = 1;
    }
    println!(
        "{}",
        big.iter().step_by(4096).map(|&b| b as u64).sum::<u64>()
    );
}
