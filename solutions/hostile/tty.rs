//! Hostile: writes to the terminal directly through /dev/tty, around the captured output, then
//! through the terminal devices and other processes' descriptors it can find by path. Prints
//! what it could do, then exits with code 8.

use std::io::Write;

fn try_write(path: &std::path::Path) -> bool {
    std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .and_then(|mut t| t.write_all(b"\x1b[2Jpainted over your screen\n"))
        .is_ok()
}

fn main() {
    let wrote = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/tty")
        .and_then(|mut tty| {
            tty.write_all(b"\x1b[2Jpainted over your screen\n")
        });
    match wrote {
        Ok(()) => println!("wrote to the terminal"),
        Err(e) => println!("no terminal: {e}"),
    }
    let me = std::process::id().to_string();
    let mut others = 0;
    let mut terminals = 0;
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.parse::<u32>().is_err() || name == me {
            continue;
        }
        others += 1;
        for fd in 0..3 {
            let path = entry.path().join("fd").join(fd.to_string());
            if std::fs::read_link(&path)
                .is_ok_and(|t| t.starts_with("/dev/pts"))
                && try_write(&path)
            {
                terminals += 1;
            }
        }
    }
    for entry in std::fs::read_dir("/dev/pts")
        .into_iter()
        .flatten()
        .flatten()
    {
        if entry.file_name() != "ptmx" && try_write(&entry.path()) {
            terminals += 1;
        }
    }
    println!("other processes: {others}; terminals written: {terminals}");
    std::process::exit(8);
}
