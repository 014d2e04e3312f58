//! Hostile: an endless loop in `main`. The runner stops it at the wall-clock limit.
#![allow(clippy::empty_loop)]

fn main() {
    loop {}
}
