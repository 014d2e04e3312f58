//! What the user's terminal settings ask of every output: colour or none.

/// `NO_COLOR` is set to anything non-empty (<https://no-color.org>): no colour anywhere, ours
/// or cargo's.
pub fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// Colour for a stream: only to a terminal, and never under `NO_COLOR`.
pub fn colour_for(stream_is_terminal: bool) -> bool {
    stream_is_terminal && !no_color()
}
