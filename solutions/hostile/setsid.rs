//! Hostile: forks a child that leaves the process group and session (`setsid`) and spins at
//! full CPU, then exits. Nothing it started may outlive the check.

fn main() {
    // SAFETY: a single-threaded program; the child only calls setsid and spins.
    unsafe {
        if libc::fork() == 0 {
            libc::setsid();
            loop {
                std::hint::spin_loop();
            }
        }
    }
    std::process::exit(5);
}
