//! Hostile: `main` panics before any trace exists.

fn main() {
    let pages: Vec<String> = Vec::new();
    if pages.is_empty() {
        panic!("no pages to fetch");
    }
}
