//! Hostile: writes a 1 GiB file in its temporary folder.

use std::io::Write;

fn main() {
    let path = std::env::temp_dir().join("big");
    let mut file = std::fs::File::create(&path).unwrap();
    let block = vec![0u8; 1 << 20];
    for _ in 0..1024 {
        file.write_all(&block).unwrap();
    }
    std::process::exit(9);
}
