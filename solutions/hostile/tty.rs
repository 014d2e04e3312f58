//! Hostile: writes to the terminal directly through /dev/tty, around the captured output.
//! Prints whether it could, then exits with code 8.

use std::io::Write;

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
    std::process::exit(8);
}
