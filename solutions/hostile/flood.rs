//! Hostile: prints forever.

fn main() {
    let mut n: u64 = 0;
    loop {
        println!("line {n}: all work and no play makes Jack a dull boy");
        n += 1;
    }
}
