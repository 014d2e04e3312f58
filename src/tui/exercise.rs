//! The exercise screen's state: the learner's latest check, the reference solution's (checked
//! once per exercise and kept in [`App::references`]), the hints shown, and the checks running
//! on a background thread so the screen stays responsive. The learner's file is watched by
//! polling its modification time from the tick.

use crate::exercise::info::ExerciseInfo;
use crate::exercise::{
    self, Checked, EXERCISES_PACKAGE, SOLUTIONS_PACKAGE,
};
use crate::tui::lanes;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::time::{Duration, Instant, SystemTime};

/// How often the learner's file is looked at.
pub const POLL: Duration = Duration::from_millis(500);

/// The thread exercise checks run on (a panic there is reported on the screen, not fatal).
pub const CHECK_THREAD: &str = "asyncscope-check";

/// Whose run a check result is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    Mine,
    Reference,
}

pub struct ExerciseView {
    pub info: ExerciseInfo,
    /// What is checked as the learner's: their own file by default.
    pub package: String,
    pub bin: String,
    /// The latest check of the learner's program.
    pub mine: Option<Checked>,
    /// A check of the learner's program is under way.
    pub checking: bool,
    /// The reference solution is being checked.
    pub reference_checking: bool,
    /// The file changed (or `r`) during a check: check again when it ends.
    pub again: bool,
    /// How many hints are shown.
    pub hints: usize,
    pub scroll: usize,
    /// The file watched for changes (`None`: nothing watched).
    pub file: Option<PathBuf>,
    mtime: Option<SystemTime>,
    last_poll: Option<Instant>,
    rx: Option<Receiver<(Which, Checked)>>,
    /// Bumped whenever a result arrives (the lane caches key on it).
    pub generation: u64,
    pub cache_mine: lanes::Cache,
    pub cache_ref: lanes::Cache,
}

impl ExerciseView {
    /// The screen for `info`, nothing checked yet; `root` is where `exercises/` lives.
    pub fn new(root: &Path, info: ExerciseInfo) -> ExerciseView {
        let file = exercise::learner_file(root, &info);
        ExerciseView {
            package: EXERCISES_PACKAGE.to_string(),
            bin: info.name.clone(),
            mtime: mtime(&file),
            file: Some(file),
            info,
            mine: None,
            checking: false,
            reference_checking: false,
            again: false,
            hints: 0,
            scroll: 0,
            last_poll: None,
            rx: None,
            generation: 0,
            cache_mine: lanes::Cache::default(),
            cache_ref: lanes::Cache::default(),
        }
    }

    /// Is a check under way?
    pub fn busy(&self) -> bool {
        self.rx.is_some()
    }

    /// The reference solution's binary.
    pub fn reference_bin(&self) -> String {
        format!("solution_{}", self.info.name)
    }

    /// Check the learner's program on a background thread (and the reference solution when
    /// `with_reference`). During a check, another one is queued instead.
    pub fn start_check(
        &mut self,
        root: &Path,
        with_reference: bool,
    ) -> Result<(), String> {
        if self.busy() {
            self.again = true;
            return Ok(());
        }
        if let Some(f) = &self.file {
            self.mtime = mtime(f);
        }
        let mut jobs =
            vec![(Which::Mine, self.package.clone(), self.bin.clone())];
        if with_reference {
            jobs.push((
                Which::Reference,
                SOLUTIONS_PACKAGE.to_string(),
                self.reference_bin(),
            ));
            self.reference_checking = true;
        }
        self.checking = true;
        self.again = false;
        let info = self.info.clone();
        let root = root.to_path_buf();
        let (tx, rx) = mpsc::channel();
        self.rx = Some(rx);
        let spawned = std::thread::Builder::new()
            .name(CHECK_THREAD.into())
            .spawn(move || {
                for (which, package, bin) in jobs {
                    let checked = exercise::check(
                        &root, &package, &bin, &info, false,
                    );
                    if tx.send((which, checked)).is_err() {
                        return;
                    }
                }
            });
        spawned.map(|_| ()).map_err(|e| {
            self.rx = None;
            self.checking = false;
            self.reference_checking = false;
            format!("could not start the check: {e}")
        })
    }

    /// Take in what the check thread sent, and (when `watching`, at most every [`POLL`]) look
    /// at the learner's file.
    pub fn poll(&mut self, now: Instant, watching: bool) -> Polled {
        let mut polled = Polled::default();
        if let Some(rx) = &self.rx {
            loop {
                match rx.try_recv() {
                    Ok(r) => polled.arrived.push(r),
                    Err(TryRecvError::Empty) => break,
                    Err(TryRecvError::Disconnected) => {
                        polled.lost = self.checking
                            && !polled
                                .arrived
                                .iter()
                                .any(|(w, _)| *w == Which::Mine);
                        self.rx = None;
                        self.checking = false;
                        self.reference_checking = false;
                        polled.check_again |= self.again;
                        polled.changed = true;
                        break;
                    }
                }
            }
        }
        if watching
            && self.last_poll.is_none_or(|t| now.duration_since(t) >= POLL)
        {
            self.last_poll = Some(now);
            if let Some(f) = &self.file {
                let m = mtime(f);
                if m != self.mtime {
                    self.mtime = m;
                    polled.file_changed = true;
                    polled.check_again = true;
                    polled.changed = true;
                }
            }
        }
        polled.changed |= !polled.arrived.is_empty();
        polled
    }

    /// Show one more hint; false when all are shown.
    pub fn next_hint(&mut self) -> bool {
        if self.hints < self.info.hints.len() {
            self.hints += 1;
            // Show the hint: scroll to the end.
            self.scroll = usize::MAX;
            true
        } else {
            false
        }
    }
}

/// What [`ExerciseView::poll`] found.
#[derive(Default)]
pub struct Polled {
    /// Check results that arrived.
    pub arrived: Vec<(Which, Checked)>,
    /// The check thread ended without the learner's result.
    pub lost: bool,
    /// The learner's file changed.
    pub file_changed: bool,
    /// Check the learner's program (again).
    pub check_again: bool,
    /// Anything to redraw.
    pub changed: bool,
}

fn mtime(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// `s` without terminal escape sequences (colours, cursor moves).
pub fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        match chars.next() {
            // CSI: parameters, then one final byte in @..~.
            Some('[') => {
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            // OSC: up to BEL or ESC \.
            Some(']') => {
                while let Some(c) = chars.next() {
                    if c == '\u{7}' {
                        break;
                    }
                    if c == '\u{1b}' {
                        chars.next_if_eq(&'\\');
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    out
}
