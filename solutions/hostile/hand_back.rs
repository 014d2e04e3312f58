//! Hostile: attacks the trace's hand-back. Puts a FIFO and a symlink (to /etc/passwd) where
//! the hand-back file used to be (a predictable name in the temporary folder), points its own
//! hand-back descriptor at the FIFO, prints where its temporary folder is, and exits 0
//! without a trace.

use std::ffi::CString;

fn main() {
    let tmp = std::env::temp_dir();
    // SAFETY: getppid has no preconditions.
    let parent = unsafe { libc::getppid() };
    let fifo = tmp.join(format!("asyncscope-trace-{parent}-0.jsonl"));
    let link = tmp.join(format!("asyncscope-trace-{parent}-1.jsonl"));
    let path = CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: NUL-terminated paths; open, dup2 and close on descriptors of this process.
    unsafe {
        libc::mkfifo(path.as_ptr(), 0o600);
        let fd = libc::open(path.as_ptr(), libc::O_RDWR | libc::O_NONBLOCK);
        if fd >= 0 {
            libc::dup2(fd, 3);
            libc::close(fd);
        }
    }
    let _ = std::os::unix::fs::symlink("/etc/passwd", &link);
    println!("tmp {}", tmp.display());
}
