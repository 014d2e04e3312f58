//! The exercise screen's state: the learner's latest check, the reference solution's (checked
//! once per exercise and kept in [`App::references`]), the hints shown, and the checks running
//! on a background thread so the screen stays responsive. The learner's file is watched by
//! polling its modification time from the tick.

use crate::exercise::info::ExerciseInfo;
use crate::exercise::progress;
use crate::exercise::{
    self, Checked, EXERCISES_PACKAGE, SOLUTIONS_PACKAGE,
};
use crate::tui::app::{App, Screen};
use crate::tui::lanes;
use crossterm::event::{KeyCode, KeyEvent};
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

impl App {
    /// Open the exercise screen for exercise `i` and check it (and its reference, once).
    pub fn open_exercise(&mut self, i: usize) {
        if self.show_exercise(i) {
            self.recheck();
        }
    }

    /// Show the exercise screen for exercise `i` without checking anything. False if there is
    /// no such exercise.
    pub fn show_exercise(&mut self, i: usize) -> bool {
        let Some(info) = self.exercises.get(i).cloned() else {
            return false;
        };
        let same =
            self.ev.as_ref().is_some_and(|e| e.info.name == info.name);
        if !same {
            self.ev = Some(ExerciseView::new(&self.config.root, info));
        }
        self.exercise_sel = i;
        self.screen = Screen::Exercise;
        true
    }

    /// Check the learner's program again on a background thread (and the reference solution,
    /// if it was never checked). During a check, another one is queued.
    pub fn recheck(&mut self) {
        let root = self.config.root.clone();
        let need_ref = self
            .ev
            .as_ref()
            .is_some_and(|e| !self.references.contains_key(&e.info.name));
        let Some(ev) = self.ev.as_mut() else {
            return;
        };
        if ev.busy() {
            ev.again = true;
            return;
        }
        if let Some(f) = &ev.file {
            ev.mtime = mtime(f);
        }
        let mut jobs =
            vec![(Which::Mine, ev.package.clone(), ev.bin.clone())];
        if need_ref {
            jobs.push((
                Which::Reference,
                SOLUTIONS_PACKAGE.to_string(),
                ev.reference_bin(),
            ));
            ev.reference_checking = true;
        }
        ev.checking = true;
        ev.again = false;
        let info = ev.info.clone();
        let (tx, rx) = mpsc::channel();
        ev.rx = Some(rx);
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
        if let Err(e) = spawned {
            ev.rx = None;
            ev.checking = false;
            ev.reference_checking = false;
            self.status = Some(format!("could not start the check: {e}"));
        }
    }

    /// Take in finished checks and look at the learner's file. True if anything changed.
    pub(crate) fn exercise_tick(&mut self, now: Instant) -> bool {
        let mut changed = false;
        let mut arrived = Vec::new();
        let mut recheck = false;
        if let Some(ev) = self.ev.as_mut() {
            if let Some(rx) = &ev.rx {
                loop {
                    match rx.try_recv() {
                        Ok(r) => arrived.push(r),
                        Err(TryRecvError::Empty) => break,
                        Err(TryRecvError::Disconnected) => {
                            if ev.checking
                                && !arrived
                                    .iter()
                                    .any(|(w, _)| *w == Which::Mine)
                            {
                                self.status = Some(
                                    "the check stopped without a result: r tries again"
                                        .into(),
                                );
                            }
                            ev.rx = None;
                            ev.checking = false;
                            ev.reference_checking = false;
                            recheck |= ev.again;
                            changed = true;
                            break;
                        }
                    }
                }
            }
            if self.screen == Screen::Exercise
                && ev
                    .last_poll
                    .is_none_or(|t| now.duration_since(t) >= POLL)
            {
                ev.last_poll = Some(now);
                if let Some(f) = &ev.file {
                    let m = mtime(f);
                    if m != ev.mtime {
                        ev.mtime = m;
                        recheck = true;
                        self.status = Some(format!(
                            "exercises/{} changed: checking again",
                            ev.info.file()
                        ));
                        changed = true;
                    }
                }
            }
        }
        for (which, checked) in arrived {
            self.take_result(which, checked);
            changed = true;
        }
        if recheck {
            self.recheck();
        }
        changed
    }

    fn take_result(&mut self, which: Which, checked: Checked) {
        let Some(ev) = self.ev.as_mut() else {
            return;
        };
        ev.generation += 1;
        match which {
            Which::Reference => {
                ev.reference_checking = false;
                self.references.insert(ev.info.name.clone(), checked);
            }
            Which::Mine => {
                ev.checking = false;
                let name = ev.info.name.clone();
                let own = ev.package == EXERCISES_PACKAGE;
                let passed = checked.passed;
                ev.mine = Some(checked);
                if own {
                    self.progress.passed.insert(name.clone(), passed);
                    self.progress.current = Some(name);
                    if self.config.progress_file.is_some()
                        && let Err(e) = progress::save(
                            &self.config.root,
                            &self.progress,
                        )
                    {
                        self.status = Some(format!(
                            "could not save your progress: {e}"
                        ));
                    }
                }
            }
        }
    }

    /// Wait (up to `limit`) for the checks under way, taking in their results (tests).
    pub fn finish_checks(&mut self, limit: Duration) -> bool {
        let start = Instant::now();
        loop {
            self.exercise_tick(Instant::now());
            if !self.ev.as_ref().is_some_and(|e| e.busy()) {
                return true;
            }
            if start.elapsed() > limit {
                return false;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub(crate) fn exercise_key(&mut self, k: KeyEvent) {
        let Some(ev) = self.ev.as_mut() else {
            self.screen = Screen::Home;
            return;
        };
        match k.code {
            KeyCode::Esc => self.screen = Screen::Home,
            KeyCode::Char('r') => {
                if ev.busy() {
                    ev.again = true;
                    self.status = Some(
                        "checking already: it will check again after"
                            .into(),
                    );
                } else {
                    self.recheck();
                }
            }
            KeyCode::Char('h') => {
                if ev.hints < ev.info.hints.len() {
                    ev.hints += 1;
                    // Show the hint: scroll to the end.
                    ev.scroll = usize::MAX;
                } else {
                    self.status = Some("that was the last hint".into());
                }
            }
            KeyCode::Up => ev.scroll = ev.scroll.saturating_sub(1),
            KeyCode::Down => ev.scroll = ev.scroll.saturating_add(1),
            KeyCode::PageUp => ev.scroll = ev.scroll.saturating_sub(10),
            KeyCode::PageDown => ev.scroll = ev.scroll.saturating_add(10),
            KeyCode::Home => ev.scroll = 0,
            KeyCode::End => ev.scroll = usize::MAX,
            KeyCode::Char('l') => {
                let lesson = ev.info.lesson.clone();
                if let Some(i) =
                    self.lessons.iter().position(|l| l.id == lesson)
                {
                    self.open_lesson(i);
                }
            }
            _ => {}
        }
    }
}
