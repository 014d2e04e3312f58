//! Hostile: starts a long-lived child that inherits the output pipes, then exits. The runner
//! must not wait for the grandchild to close them.

fn main() {
    let child = std::process::Command::new("sleep").arg("60").spawn();
    println!("left a sleeper behind: {}", child.is_ok());
    std::process::exit(4);
}
