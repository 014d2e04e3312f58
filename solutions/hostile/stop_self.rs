//! Hostile: stops itself with SIGSTOP and never goes on.

fn main() {
    println!("stopping");
    // SAFETY: raise has no memory-safety preconditions.
    unsafe {
        libc::raise(libc::SIGSTOP);
    }
}
