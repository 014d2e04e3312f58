//! Hostile: a daemon's double fork. The middle process exits at once, so the grandchild is
//! an orphan in a session of its own; it sleeps forever. Then `main` spins until stopped.

fn main() {
    // SAFETY: a single-threaded program; the children only call fork, setsid, setpgid,
    // sleep and _exit.
    unsafe {
        let middle = libc::fork();
        if middle == 0 {
            if libc::fork() == 0 {
                libc::setsid();
                loop {
                    libc::sleep(1000);
                }
            }
            libc::_exit(0);
        }
        libc::waitpid(middle, std::ptr::null_mut(), 0);
        // The setpgid loop: keep moving to a new group, as if to dodge a group kill.
        loop {
            libc::setpgid(0, 0);
            std::hint::spin_loop();
        }
    }
}
