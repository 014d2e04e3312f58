//! Key bindings as data. Each screen lists its bindings once: a key handler looks the pressed
//! key up in that list and acts on the action found, and the help overlay and the key bar are
//! written from the same list, so a key cannot be documented differently from what it does.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// One key as a binding names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    /// A character key (case matters; shift is part of the character).
    Char(char),
    /// Any other key, without shift.
    Code(KeyCode),
    /// Any other key, with shift.
    Shift(KeyCode),
    /// A character key with control.
    Ctrl(char),
    /// Any of the digits 1 to 9 (the action gets which).
    Digit,
}

impl Key {
    /// Does the key event `k` press this key? For [`Key::Digit`], which digit (1-9).
    pub fn pressed(self, k: &KeyEvent) -> Option<u8> {
        let shift = k.modifiers.contains(KeyModifiers::SHIFT);
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        let hit = match (self, k.code) {
            (Key::Ctrl(c), KeyCode::Char(d)) => {
                ctrl && d.eq_ignore_ascii_case(&c)
            }
            (_, KeyCode::Char(_)) if ctrl => false,
            (Key::Char(c), KeyCode::Char(d)) => c == d,
            (Key::Digit, KeyCode::Char(d @ '1'..='9')) => {
                return Some(d as u8 - b'0');
            }
            (Key::Code(c), code) => c == code && !shift,
            (Key::Shift(c), code) => c == code && shift,
            _ => false,
        };
        hit.then_some(0)
    }

    /// How the help and the key bar write the key.
    pub fn label(self) -> String {
        match self {
            Key::Char(' ') => "Space".into(),
            Key::Char(c) => c.to_string(),
            Key::Ctrl(c) => format!("Ctrl-{}", c.to_ascii_uppercase()),
            Key::Digit => "1-9".into(),
            Key::Code(c) => code_label(c).into(),
            Key::Shift(c) => format!("S-{}", code_label(c)),
        }
    }
}

fn code_label(c: KeyCode) -> &'static str {
    match c {
        KeyCode::Up => "↑",
        KeyCode::Down => "↓",
        KeyCode::Left => "←",
        KeyCode::Right => "→",
        KeyCode::Enter => "Enter",
        KeyCode::Esc => "Esc",
        KeyCode::Tab => "Tab",
        KeyCode::BackTab => "S-Tab",
        KeyCode::Home => "Home",
        KeyCode::End => "End",
        KeyCode::PageUp => "PgUp",
        KeyCode::PageDown => "PgDn",
        KeyCode::Backspace => "Backspace",
        _ => "?",
    }
}

/// Which of a screen's situations a binding is shown in on the key bar.
pub type Situations = u8;
/// Every situation.
pub const ALWAYS: Situations = u8::MAX;

/// Keys that do one thing (or one pair of things: back / forward) on a screen.
#[derive(Clone, Copy, Debug)]
pub struct Binding<A: 'static> {
    /// Each key with its action, in the order the help writes them.
    pub keys: &'static [(Key, A)],
    /// What the keys do, for the help.
    pub help: &'static str,
    /// The key bar's word for it (`None`: help only).
    pub bar: Option<&'static str>,
    /// How many of the first keys the bar names (the rest are alternatives).
    pub bar_keys: usize,
    /// When the bar shows it.
    pub when: Situations,
}

impl<A: Copy> Binding<A> {
    /// The key column of the help: every key.
    pub fn keys_label(&self) -> String {
        join(self.keys.iter().map(|(k, _)| k.label()))
    }

    /// The keys the bar names: the first `bar_keys`, one-character keys run together
    /// (`↑↓ PgUp PgDn`).
    pub fn bar_label(&self) -> String {
        let mut out = String::new();
        let mut last_short = false;
        for (key, _) in self.keys.iter().take(self.bar_keys.max(1)) {
            let label = key.label();
            let short = label.chars().count() == 1;
            let run_together = short && last_short;
            if !out.is_empty() && !run_together {
                out.push(' ');
            }
            out.push_str(&label);
            last_short = short;
        }
        out
    }
}

fn join(labels: impl Iterator<Item = String>) -> String {
    labels.collect::<Vec<_>>().join(" ")
}

/// The action `k` asks for among `bindings`, with the digit for [`Key::Digit`] (else 0).
pub fn lookup<A: Copy>(
    bindings: &[Binding<A>],
    k: &KeyEvent,
) -> Option<(A, u8)> {
    bindings
        .iter()
        .flat_map(|b| b.keys)
        .find_map(|(key, action)| {
            key.pressed(k).map(|digit| (*action, digit))
        })
}

/// One line of the help: the keys, and what they do.
pub type HelpEntry = (String, &'static str);

/// The help lines of `bindings`.
pub fn help_entries<A: Copy>(bindings: &[Binding<A>]) -> Vec<HelpEntry> {
    bindings.iter().map(|b| (b.keys_label(), b.help)).collect()
}

/// The key bar's entries of `bindings` in situation `now`.
pub fn bar_entries<A: Copy>(
    bindings: &[Binding<A>],
    now: Situations,
) -> Vec<HelpEntry> {
    bindings
        .iter()
        .filter(|b| b.when & now != 0)
        .filter_map(|b| b.bar.map(|word| (b.bar_label(), word)))
        .collect()
}

/// A binding's constructor, so tables read as one line per binding.
pub const fn bind<A>(
    keys: &'static [(Key, A)],
    help: &'static str,
) -> Binding<A> {
    Binding {
        keys,
        help,
        bar: None,
        bar_keys: 0,
        when: 0,
    }
}

impl<A> Binding<A> {
    /// Shown on the key bar as `word`, naming its first `keys` keys, in situations `when`.
    pub const fn bar(
        self,
        word: &'static str,
        keys: usize,
        when: Situations,
    ) -> Binding<A> {
        Binding {
            bar: Some(word),
            bar_keys: keys,
            when,
            ..self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEvent;

    fn ev(code: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, m)
    }

    #[test]
    fn keys_match_what_they_say() {
        let none = KeyModifiers::NONE;
        let shift = KeyModifiers::SHIFT;
        assert!(
            Key::Char('H')
                .pressed(&ev(KeyCode::Char('H'), shift))
                .is_some()
        );
        assert!(
            Key::Char('h')
                .pressed(&ev(KeyCode::Char('H'), shift))
                .is_none()
        );
        assert!(
            Key::Code(KeyCode::Left)
                .pressed(&ev(KeyCode::Left, shift))
                .is_none()
        );
        assert!(
            Key::Shift(KeyCode::Left)
                .pressed(&ev(KeyCode::Left, shift))
                .is_some()
        );
        assert_eq!(
            Key::Digit.pressed(&ev(KeyCode::Char('7'), none)),
            Some(7)
        );
        assert!(
            Key::Digit.pressed(&ev(KeyCode::Char('0'), none)).is_none()
        );
        let ctrl_c = ev(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert!(Key::Ctrl('c').pressed(&ctrl_c).is_some());
        assert!(Key::Char('c').pressed(&ctrl_c).is_none());
    }

    #[test]
    fn labels_are_written_from_the_keys() {
        const B: Binding<u8> = bind(
            &[
                (Key::Char('['), 0),
                (Key::Char(']'), 1),
                (Key::Shift(KeyCode::Left), 0),
                (Key::Shift(KeyCode::Right), 1),
            ],
            "scrub",
        )
        .bar("scrub", 2, ALWAYS);
        assert_eq!(B.keys_label(), "[ ] S-← S-→");
        assert_eq!(B.bar_label(), "[]");
        assert_eq!(Key::Char(' ').label(), "Space");
        assert_eq!(Key::Ctrl('c').label(), "Ctrl-C");
    }
}
