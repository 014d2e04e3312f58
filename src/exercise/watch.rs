//! `asyncscope watch`: check the current exercise every time its file is saved, rustlings
//! style, and answer single keys (next, hint, list, re-check, reset, edit, quit).
//!
//! Saves are seen through `notify` on `exercises/`, debounced, and compared by content, so an
//! editor's several writes per save (or a reset's rename) give one check. When watching is
//! not possible, the learner re-checks by hand with `r`. On a terminal the keys are read raw
//! (one key, no Enter) and the terminal is restored on every way out, a panic included; when
//! standard input is not a terminal, each line is a key.

use super::info::ExerciseInfo;
use super::progress::{self, Progress};
use super::runner::Watchers;
use super::{Checked, EXERCISES_PACKAGE, Reset};
use crate::export;
use crate::sandbox::{self, StdinRead};
use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Quiet time after the last change before a check starts: editors write a file in several
/// steps.
pub const DEBOUNCE: Duration = Duration::from_millis(300);

/// How often the loop looks at keys, saves and signals.
const TICK: Duration = Duration::from_millis(50);

const KEYS: &str =
    "n next · h hint · l list · r re-check · x reset · e edit · q quit";

#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Do not watch the files: re-check with `r` only.
    pub manual_run: bool,
}

/// Watch the exercises of the workspace at `root` until the learner quits.
pub fn run(
    root: &Path,
    infos: &[ExerciseInfo],
    options: &Options,
) -> std::io::Result<()> {
    if infos.is_empty() {
        println!("there are no exercises in {}", root.display());
        return Ok(());
    }
    let terminal = std::io::stdin().is_terminal();
    let screen = Screen::new(terminal);
    STOP.store(false, Ordering::SeqCst);
    let _signals = sandbox::SignalFlag::install(&STOP);
    // Raw mode from here on; dropped (restored) on every return and on unwinding, and the
    // panic hook restores it before the panic message is printed.
    let raw = if terminal {
        Some(RawMode::enable()?)
    } else {
        None
    };
    let mut input = if terminal {
        Input::Terminal(VecDeque::new())
    } else {
        Input::lines()
    };

    let (progress, warning) = progress::load(root);
    let mut watch = Watch {
        root: root.to_path_buf(),
        infos,
        progress,
        current: 0,
        hints_shown: HashMap::new(),
        last_checked: None,
        last: None,
        confirm_reset: false,
        note: warning.map(|w| format!("warning: {w}")),
        screen,
        raw: raw.is_some(),
        ahead: VecDeque::new(),
    };
    watch.current = watch.starting_exercise();

    let files = if options.manual_run {
        watch.add_note(
            "not watching your files (--manual-run): save, then press r to check".into(),
        );
        None
    } else {
        match FileWatch::start(&root.join("exercises")) {
            Ok(w) => Some(w),
            Err(e) => {
                watch.add_note(format!(
                    "cannot watch exercises/ for saves ({e}): save, then press r to check"
                ));
                None
            }
        }
    };

    watch.check();
    let mut pending: Option<Instant> = None;
    loop {
        if STOP.load(Ordering::SeqCst) {
            break;
        }
        if let Some(files) = &files {
            match files.changes(&watch.infos[watch.current].file()) {
                Ok(true) => pending = Some(Instant::now()),
                Ok(false) => {}
                Err(e) => {
                    watch.screen.print(&format!(
                        "\nwatching your files failed ({e}): press r to check after saving\n"
                    ));
                }
            }
        }
        if pending.is_some_and(|t| t.elapsed() >= DEBOUNCE) {
            pending = None;
            if watch.file_changed() {
                watch.check();
            }
        }
        let key = watch.ahead.pop_front().or_else(|| input.next(TICK));
        match key {
            Some(Key::Char(c)) if !watch.key(c)? => break,
            Some(Key::Quit) => break,
            Some(Key::Char(_)) | None => {}
        }
    }
    watch.save_progress();
    drop(raw);
    let name = &watch.infos[watch.current].name;
    watch.screen.print(&format!(
        "\nsee you: `asyncscope watch` brings you back to {name}\n"
    ));
    Ok(())
}

struct Watch<'a> {
    root: PathBuf,
    infos: &'a [ExerciseInfo],
    progress: Progress,
    /// Index in `infos`.
    current: usize,
    /// Exercise → hints shown so far.
    hints_shown: HashMap<String, usize>,
    /// The file's content when it was last checked.
    last_checked: Option<Vec<u8>>,
    /// The last check's result.
    last: Option<Checked>,
    /// `x` was pressed: the next key confirms (`y`) or not.
    confirm_reset: bool,
    /// Shown once above the next screen.
    note: Option<String>,
    screen: Screen,
    raw: bool,
    /// Keys typed on the raw terminal while a check ran, not handled yet.
    ahead: VecDeque<Key>,
}

impl Watch<'_> {
    fn info(&self) -> &ExerciseInfo {
        &self.infos[self.current]
    }

    fn file(&self) -> PathBuf {
        super::learner_file(&self.root, self.info())
    }

    /// Where the learner was, else the first exercise not passed yet, else the first.
    fn starting_exercise(&self) -> usize {
        let by_name =
            |name: &str| self.infos.iter().position(|i| i.name == name);
        self.progress
            .current
            .as_deref()
            .and_then(by_name)
            .or_else(|| {
                self.infos.iter().position(|i| {
                    self.progress.passed.get(&i.name) != Some(&true)
                })
            })
            .unwrap_or(0)
    }

    fn add_note(&mut self, note: String) {
        self.note = Some(match self.note.take() {
            Some(before) => format!("{before}\n{note}"),
            None => note,
        });
    }

    fn file_changed(&self) -> bool {
        std::fs::read(self.file()).ok() != self.last_checked
    }

    /// Save, merged with what other processes (a `check` in another terminal) saved since:
    /// their passes stay, and are shown here from now on.
    fn save_progress(&mut self) {
        self.progress.current = Some(self.info().name.clone());
        match progress::save_merged(&self.root, &self.progress) {
            Ok(merged) => self.progress = merged,
            Err(e) => self.screen.print(&format!(
                "\nwarning: could not save your progress: {e}\n"
            )),
        }
    }

    /// Build, run and grade the current exercise, and show the result on a clean screen.
    fn check(&mut self) {
        let info = self.info().clone();
        if self.last.is_none() {
            self.show(); // a new exercise: its header while it builds
        } else {
            self.screen.print(&format!("\nchecking {}…\n", info.name));
        }
        self.last_checked = std::fs::read(self.file()).ok();
        let screen = &self.screen;
        let note = |n: &str| screen.print(&format!("{n}\n"));
        let done = AtomicBool::new(false);
        let (checked, ahead) = std::thread::scope(|scope| {
            // A raw terminal sends no SIGINT: Ctrl-C arrives as a key. Keys are read while the
            // check runs, so Ctrl-C stops it at once; the others wait their turn.
            let reader = self.raw.then(|| {
                scope.spawn(|| {
                    let mut keys = Vec::new();
                    while !done.load(Ordering::SeqCst) {
                        for key in read_terminal(TICK).unwrap_or_default() {
                            if matches!(key, Key::Quit) {
                                STOP.store(true, Ordering::SeqCst);
                            }
                            keys.push(key);
                        }
                    }
                    keys
                })
            });
            let checked = super::check_with(
                &self.root,
                EXERCISES_PACKAGE,
                &info.name,
                &info,
                self.screen.color,
                Watchers {
                    cancel: &STOP,
                    note: &note,
                },
            );
            done.store(true, Ordering::SeqCst);
            let ahead = reader
                .map(|r| r.join().unwrap_or_default())
                .unwrap_or_default();
            (checked, ahead)
        });
        self.ahead.extend(ahead);
        if STOP.load(Ordering::SeqCst) {
            return; // Ctrl-C: the check was stopped; the loop ends at its next tick
        }
        self.progress
            .passed
            .insert(info.name.clone(), checked.passed);
        self.last = Some(checked);
        self.save_progress();
        self.show();
        self.note = None;
    }

    /// The screen for the current exercise and its last check.
    fn show(&mut self) {
        let info = self.info().clone();
        let width = self.screen.width;
        let mut s = String::new();
        if let Some(note) = &self.note {
            for line in note.lines() {
                s += &para(line, width);
            }
            s += "\n";
        }
        s += &format!(
            "{} · exercise {} of {} · after lesson {} · exercises/{}\n",
            info.name,
            self.current + 1,
            self.infos.len(),
            info.lesson,
            info.file()
        );
        s += &para(info.instructions.trim(), width);
        s += "\n";
        match &self.last {
            Some(c) => {
                s += &super::describe(c, width);
                s += "\n";
                let total = self.infos.len();
                let done = self
                    .infos
                    .iter()
                    .filter(|i| {
                        self.progress.passed.get(&i.name) == Some(&true)
                    })
                    .count();
                let footer = if !c.passed {
                    format!(
                        "edit exercises/{} and save: it is checked again at once. stuck? \
                         press h for a hint ({} hints, gentle to explicit)",
                        info.file(),
                        info.hints.len()
                    )
                } else if done == total {
                    "every exercise has passed: well done!".to_string()
                } else if self.current + 1 < total {
                    format!(
                        "well done! press n for the next exercise ({done} of {total} passed)"
                    )
                } else {
                    format!(
                        "well done! that was the last exercise ({done} of {total} passed: l \
                         lists them)"
                    )
                };
                s += &para(&footer, width);
            }
            None => s += &format!("checking {}…\n", info.name),
        }
        s += &format!("\n{KEYS}\n");
        if let (Some(rows), Some(c)) = (self.screen.height, &self.last) {
            s = fit_rows(&s, &verdict(c, width), rows);
        }
        self.screen.clear();
        self.screen.print(&s);
    }

    /// Handle one key; `false` to quit.
    fn key(&mut self, key: char) -> std::io::Result<bool> {
        if self.confirm_reset {
            self.confirm_reset = false;
            if key == 'y' {
                self.reset();
            } else {
                self.screen.print("\nkept your version\n");
            }
            return Ok(true);
        }
        match key {
            'q' => return Ok(false),
            'n' => self.next(),
            'h' => self.hint(),
            'l' => self.list(),
            'r' => self.check(),
            'x' => {
                self.confirm_reset = true;
                self.screen.print(&format!(
                    "\nput {} back as it started? your version is kept in \
                     exercises/.backups first. press y to reset, any other key to keep it\n",
                    self.info().file()
                ));
            }
            'e' => self.edit()?,
            _ => self.screen.print(&format!("\n{KEYS}\n")),
        }
        Ok(true)
    }

    fn next(&mut self) {
        let info = self.info().clone();
        if self.current + 1 >= self.infos.len() {
            self.screen.print(&format!(
                "\n{} is the last exercise: press l to see which are left\n",
                info.name
            ));
            return;
        }
        if self.progress.passed.get(&info.name) != Some(&true) {
            self.add_note(format!(
                "note: {} has not passed yet; come back to it any time with `asyncscope check \
                 {}`",
                info.name, info.name
            ));
        }
        self.current += 1;
        self.last = None;
        self.last_checked = None;
        self.save_progress();
        self.check();
    }

    fn hint(&mut self) {
        let info = self.info().clone();
        let shown = self.hints_shown.entry(info.name.clone()).or_insert(0);
        let last = *shown >= info.hints.len();
        if !last {
            *shown += 1;
        }
        let n = *shown;
        let mut s = format!(
            "hint {n} of {}: {}",
            info.hints.len(),
            info.hints[n - 1]
        );
        if last {
            s += " (that was the last hint)";
        }
        let lines = export::text::wrap(&s, self.screen.width, 4);
        self.screen.print(&format!("\n{}\n", lines.join("\n")));
    }

    fn list(&mut self) {
        let mut s = String::from("\n");
        for (i, info) in self.infos.iter().enumerate() {
            let mark = match self.progress.passed.get(&info.name) {
                Some(true) => "✓",
                Some(false) => "✗",
                None => "·",
            };
            let here = if i == self.current { "→" } else { " " };
            s += &format!(
                "{here} {mark} {:<20} after lesson {}\n",
                info.name, info.lesson
            );
        }
        s += "✓ passed  ✗ tried, not yet  · not tried  → you are here\n";
        self.screen.print(&s);
    }

    fn reset(&mut self) {
        let info = self.info().clone();
        match super::reset(&self.root, &info) {
            Ok(Reset::AlreadyPristine) => {
                self.screen.print(&format!(
                    "\n{} is already as it started\n",
                    info.file()
                ));
            }
            Ok(Reset::Restored { backup }) => {
                self.add_note(match backup {
                    Some(b) => format!(
                        "{} is back as it started; your version is in {}",
                        info.file(),
                        b.strip_prefix(&self.root).unwrap_or(&b).display()
                    ),
                    None => {
                        format!("{} is back as it started", info.file())
                    }
                });
                self.check();
            }
            Err(e) => self.screen.print(&format!(
                "\ncould not reset {}: {e}\n",
                info.file()
            )),
        }
    }

    /// Open the exercise in `$VISUAL` or `$EDITOR`, the terminal handed over while it runs.
    fn edit(&mut self) -> std::io::Result<()> {
        let editor = ["VISUAL", "EDITOR"]
            .iter()
            .filter_map(std::env::var_os)
            .map(|e| e.to_string_lossy().into_owned())
            .find(|e| !e.trim().is_empty());
        let Some(editor) = editor else {
            self.screen.print(&format!(
                "\nset $EDITOR to open exercises from here (e.g. export EDITOR=nano); \
                 meanwhile edit exercises/{} in your editor\n",
                self.info().file()
            ));
            return Ok(());
        };
        let mut words = editor.split_whitespace();
        let program = words.next().unwrap_or_default().to_string();
        let mut command = std::process::Command::new(&program);
        command.args(words).arg(self.file()).current_dir(&self.root);
        if self.raw {
            crossterm::terminal::disable_raw_mode()?;
        } else {
            // Standard input belongs to the key reader.
            command.stdin(std::process::Stdio::null());
        }
        let status = command.status();
        if self.raw {
            crossterm::terminal::enable_raw_mode()?;
        }
        match status {
            Err(e) => self
                .screen
                .print(&format!("\ncould not start {program}: {e}\n")),
            Ok(s) if !s.success() => {
                self.screen.print(&format!("\n{program} ended with {s}\n"))
            }
            Ok(_) => {}
        }
        if self.file_changed() {
            self.check();
        } else {
            self.show();
        }
        Ok(())
    }
}

/// `text` wrapped to `width` columns, each line ending in a newline.
fn para(text: &str, width: usize) -> String {
    let mut s = String::new();
    for line in export::text::wrap(text, width, 0) {
        s += &line;
        s += "\n";
    }
    s
}

/// The verdict and what to fix first: the line that must stay on screen whatever follows.
fn verdict(c: &Checked, width: usize) -> String {
    let mut s = super::describe(c, width)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    s.push('\n');
    let first = if let Some(err) = &c.compile_error {
        let line = err
            .lines()
            .find(|l| l.starts_with("error"))
            .unwrap_or("it does not compile");
        Some(line.to_string())
    } else if let Some(problem) = &c.run_problem {
        Some(format!("✗ your program {problem}"))
    } else {
        c.checks
            .iter()
            .find(|r| !r.passed)
            .map(|r| format!("✗ {}", r.message))
    };
    if let Some(first) = first {
        for line in
            crate::export::text::wrap(&first, width.saturating_sub(2), 2)
        {
            s += &format!("{line}\n");
        }
    }
    s
}

/// `text` cut to a terminal of `rows` rows when it is taller: its first line (which exercise),
/// then `verdict`, then as much of the rest as fits, then its last line (the keys). A long
/// compile error or timeline can no longer push the verdict off the top of the screen.
fn fit_rows(text: &str, verdict: &str, rows: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() < rows || lines.len() < 2 {
        return text.to_string();
    }
    let (head, rest) = lines.split_at(1);
    let (body, keys) = rest.split_at(rest.len() - 1);
    let verdict: Vec<&str> = verdict.lines().collect();
    // Head, verdict, a blank, the cut body, the "more" line, a blank, the keys; one row spare.
    let room = rows.saturating_sub(head.len() + verdict.len() + 5);
    let mut out: Vec<String> = head.iter().map(|l| l.to_string()).collect();
    out.extend(verdict.iter().map(|l| l.to_string()));
    out.push(String::new());
    out.extend(body.iter().take(room).map(|l| l.to_string()));
    if body.len() > room {
        out.push(format!(
            "… {} more lines: `asyncscope check` prints them all",
            body.len() - room
        ));
    }
    out.push(String::new());
    out.extend(keys.iter().map(|l| l.to_string()));
    out.join("\n") + "\n"
}

/// Where the output goes: cleared between checks when it is a terminal, with `\r\n` line
/// ends while the terminal is raw.
struct Screen {
    raw: bool,
    tty: bool,
    color: bool,
    width: usize,
    /// The terminal's rows, when it is one: a check's output is cut to fit them.
    height: Option<usize>,
}

impl Screen {
    fn new(raw: bool) -> Screen {
        let tty = std::io::stdout().is_terminal();
        let width = if tty {
            crossterm::terminal::size()
                .ok()
                // One column spare: a line that fills the last one wraps on some terminals.
                .map(|(w, _)| (w as usize).saturating_sub(1))
                .filter(|w| *w >= 40)
                .unwrap_or(80)
        } else {
            80
        };
        let height = tty
            .then(|| crossterm::terminal::size().ok())
            .flatten()
            .map(|(_, h)| h as usize)
            .filter(|h| *h >= 10);
        Screen {
            raw,
            tty,
            color: crate::term::colour_for(tty),
            width: width.min(100),
            height,
        }
    }

    fn print(&self, text: &str) {
        let text = if self.raw {
            text.replace("\r\n", "\n").replace('\n', "\r\n")
        } else {
            text.to_string()
        };
        let mut out = std::io::stdout().lock();
        // Nowhere to report a closed output to: the loop goes on until the learner quits.
        let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
    }

    fn clear(&self) {
        if self.tty {
            let _ = crossterm::execute!(
                std::io::stdout(),
                crossterm::terminal::Clear(
                    crossterm::terminal::ClearType::All
                ),
                crossterm::terminal::Clear(
                    crossterm::terminal::ClearType::Purge
                ),
                crossterm::cursor::MoveTo(0, 0)
            );
        }
    }
}

enum Key {
    Char(char),
    /// Ctrl-C, Ctrl-D, or the end of standard input.
    Quit,
}

enum Input {
    /// Bytes from the raw terminal on standard input, and keys read but not handled yet.
    ///
    /// Read directly (poll and read), not with crossterm's event reader, which spins forever
    /// once the terminal hangs up (a closed window, a killed tmux).
    Terminal(VecDeque<Key>),
    /// Lines of standard input, read by a thread; `None` at the end.
    Lines(Receiver<Option<String>>),
}

impl Input {
    fn lines() -> Input {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::stdin().lock().lines() {
                let Ok(line) = line else { break };
                if tx.send(Some(line)).is_err() {
                    return;
                }
            }
            let _ = tx.send(None);
        });
        Input::Lines(rx)
    }

    /// The next key, if one comes within `wait`.
    fn next(&mut self, wait: Duration) -> Option<Key> {
        match self {
            Input::Terminal(pending) => {
                if pending.is_empty() {
                    pending.extend(read_terminal(wait)?);
                }
                pending.pop_front()
            }
            Input::Lines(rx) => match rx.recv_timeout(wait) {
                Ok(Some(line)) => line
                    .trim()
                    .chars()
                    .next()
                    .map(|c| Key::Char(c.to_ascii_lowercase())),
                Ok(None) | Err(RecvTimeoutError::Disconnected) => {
                    Some(Key::Quit)
                }
                Err(RecvTimeoutError::Timeout) => None,
            },
        }
    }
}

/// The keys typed on the raw terminal within `wait` (`None`: none). A terminal that hung up
/// or cannot be read any more gives [`Key::Quit`].
fn read_terminal(wait: Duration) -> Option<Vec<Key>> {
    let mut buf = [0u8; 64];
    match sandbox::read_stdin(wait, &mut buf) {
        StdinRead::Nothing => None,
        StdinRead::Closed => Some(vec![Key::Quit]),
        StdinRead::Bytes(n) => Some(keys(&buf[..n])),
    }
}

/// Keys from raw terminal bytes: letters as themselves, Ctrl-C and Ctrl-D as quit, anything
/// else (an arrow's escape sequence, a non-ASCII character) as one unknown key.
fn keys(bytes: &[u8]) -> Vec<Key> {
    let mut keys = Vec::new();
    for &b in bytes {
        match b {
            0x03 | 0x04 => keys.push(Key::Quit),
            // An escape sequence arrives in one read: the rest of it is not keys.
            0x1b => {
                keys.push(Key::Char('?'));
                break;
            }
            b'\r' | b'\n' => {}
            b if b.is_ascii_graphic() => {
                keys.push(Key::Char(b.to_ascii_lowercase() as char))
            }
            // Continuation bytes of a UTF-8 character count once, with its first byte.
            b if (0x80..0xc0).contains(&b) => {}
            _ => keys.push(Key::Char('?')),
        }
    }
    keys
}

/// Saves in the exercises folder, as seen by `notify`.
struct FileWatch {
    _watcher: notify::RecommendedWatcher,
    events: Receiver<notify::Result<notify::Event>>,
}

impl FileWatch {
    fn start(dir: &Path) -> notify::Result<FileWatch> {
        use notify::Watcher;
        let (tx, events) = mpsc::channel();
        let mut watcher = notify::recommended_watcher(tx)?;
        // The folder, not the files: editors that save by renaming a new file over the old
        // one would otherwise be lost after their first save. With its subfolders: the
        // Python exercises are in exercises/python/.
        watcher.watch(dir, notify::RecursiveMode::Recursive)?;
        Ok(FileWatch {
            _watcher: watcher,
            events,
        })
    }

    /// Whether `file` (a path in the folder: `fetch_all.rs`, `python/fetch_all.py`) changed
    /// since the last call.
    fn changes(&self, file: &str) -> notify::Result<bool> {
        use notify::EventKind;
        use notify::event::{AccessKind, AccessMode};
        let mut changed = false;
        while let Ok(event) = self.events.try_recv() {
            let event = event?;
            let writes = match event.kind {
                EventKind::Access(AccessKind::Close(AccessMode::Write)) => {
                    true
                }
                EventKind::Access(_) => false,
                _ => true,
            };
            changed |=
                writes && event.paths.iter().any(|p| p.ends_with(file));
        }
        Ok(changed)
    }
}

/// Raw mode for as long as this lives; the terminal is restored when it is dropped, and by
/// the panic hook (before the panic's message, which would be garbled in raw mode).
struct RawMode {
    hook: Arc<Mutex<Option<PanicHook>>>,
}

type PanicHook =
    Box<dyn Fn(&std::panic::PanicHookInfo<'_>) + Sync + Send + 'static>;

impl RawMode {
    fn enable() -> std::io::Result<RawMode> {
        crossterm::terminal::enable_raw_mode()?;
        let previous = Arc::new(Mutex::new(Some(std::panic::take_hook())));
        let chained = previous.clone();
        std::panic::set_hook(Box::new(move |info| {
            let _ = crossterm::terminal::disable_raw_mode();
            if let Ok(hook) = chained.lock()
                && let Some(hook) = hook.as_ref()
            {
                hook(info);
            }
        }));
        Ok(RawMode { hook: previous })
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = crossterm::terminal::disable_raw_mode();
        // Put the previous panic hook back (not while panicking: the hook is in use).
        if !std::thread::panicking()
            && let Ok(mut hook) = self.hook.lock()
            && let Some(previous) = hook.take()
        {
            std::panic::set_hook(previous);
        }
    }
}

/// Set by SIGINT, SIGTERM or SIGHUP: a running check stops at once, and the loop ends
/// cleanly (terminal restored, progress saved) at its next tick.
static STOP: AtomicBool = AtomicBool::new(false);

#[cfg(test)]
mod fit_tests {
    use super::*;

    /// A failing check with a 60-line compile error at 80×24: the verdict and the first error
    /// stay on the screen, the keys at the bottom, and it says how to see the rest.
    #[test]
    fn a_long_verdict_keeps_its_first_lines_and_the_keys_on_a_small_screen()
    {
        let error: String =
            std::iter::once("error[E0308]: mismatched types".to_string())
                .chain((0..59).map(|i| format!("   {i} | some code")))
                .collect::<Vec<_>>()
                .join("\n");
        let c = Checked {
            name: "fetch_all".into(),
            passed: false,
            compile_error: Some(error),
            run_problem: None,
            checks: Vec::new(),
            timeline: None,
            stdout: String::new(),
        };
        let text = format!(
            "fetch_all · exercise 1 of 15\ninstructions\n{}\n{KEYS}\n",
            super::super::describe(&c, 79)
        );
        let fitted = fit_rows(&text, &verdict(&c, 79), 24);
        let lines: Vec<&str> = fitted.lines().collect();
        assert!(lines.len() < 24, "{fitted}");
        assert!(lines[0].starts_with("fetch_all · exercise 1"), "{fitted}");
        assert!(lines[1].contains("✗ not yet"), "{fitted}");
        assert_eq!(lines[2], "error[E0308]: mismatched types");
        assert_eq!(*lines.last().unwrap(), KEYS);
        assert!(
            fitted
                .contains("more lines: `asyncscope check` prints them all")
        );
        // What fits is left alone.
        let short = format!(
            "fetch_all · exercise 1\n{}\n{KEYS}\n",
            "x\n".repeat(5)
        );
        assert_eq!(fit_rows(&short, "✗ not yet\n", 24), short);
    }
}
