//! Hostile: the program leaves with `process::exit(3)`, handing no trace back.

fn main() {
    println!("leaving early");
    std::process::exit(3);
}
