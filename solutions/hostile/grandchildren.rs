//! Hostile: 200 sleeping grandchildren (each child forks one and exits, each grandchild in a
//! process group of its own), then `main` spins until stopped. The runner's tests kill the
//! grader itself with SIGKILL while this runs: all 201 must die anyway.

fn main() {
    for _ in 0..200 {
        // SAFETY: fork from the single main thread; the children only call fork, setpgid,
        // sleep and _exit.
        unsafe {
            let child = libc::fork();
            if child == 0 {
                if libc::fork() == 0 {
                    libc::setpgid(0, 0);
                    loop {
                        libc::sleep(1000);
                    }
                }
                libc::_exit(0);
            }
            libc::waitpid(child, std::ptr::null_mut(), 0);
        }
    }
    println!("200 grandchildren started");
    loop {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}
