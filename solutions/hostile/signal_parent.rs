//! Hostile: stops and kills its parent (`kill(getppid(), SIGSTOP)`, then SIGKILL), as if to
//! freeze or end the grader. Then exits with code 6.

fn main() {
    // SAFETY: kill and getppid have no memory-safety preconditions.
    unsafe {
        let parent = libc::getppid();
        let stop = libc::kill(parent, libc::SIGSTOP);
        let kill = libc::kill(parent, libc::SIGKILL);
        println!("parent {parent}: SIGSTOP {stop}, SIGKILL {kill}");
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
    std::process::exit(6);
}
