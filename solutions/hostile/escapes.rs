//! Hostile: terminal escape sequences in its output and its panic message: clear the screen,
//! set the window title, write the clipboard (OSC 52), ring the bell.

fn main() {
    println!("\x1b[2J\x1b[Hcleared?\x1b]0;title\x07");
    panic!("\x1b[2J\x1b]0;pwned\x07\x1b]52;c;aGk=\x07gotcha\u{9b}31m\r");
}
