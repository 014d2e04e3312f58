//! Hostile: finds its grandparent through /proc (the grader, when the runner's init is its
//! parent) and sends it SIGSTOP. In a PID namespace that number names no process it can
//! reach. Then exits with code 6.

fn ppid_of(pid: &str) -> Option<i32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // `pid (comm) state ppid …`: comm may hold spaces, so start after its last `)`.
    stat.rsplit_once(')')?
        .1
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn main() {
    let parent = ppid_of("self").unwrap_or(0);
    let grandparent = ppid_of(&parent.to_string()).unwrap_or(0);
    if grandparent > 1 {
        // SAFETY: kill has no memory-safety preconditions.
        let r = unsafe { libc::kill(grandparent, libc::SIGSTOP) };
        println!("grandparent {grandparent}: SIGSTOP {r}");
    }
    std::process::exit(6);
}
