//! The TUI's state and how keys, the mouse and time change it. Nothing here draws.

use crate::exercise::Checked;
use crate::exercise::info::ExerciseInfo;
use crate::exercise::progress::{self, Progress};
use crate::lesson::{self, Answer, Lesson, Query};
use crate::lesson_progress::{self, LessonProgress};
use crate::quiz::{self, Graded, Response};
use crate::scenarios::{self, KnobKind, Knobs, RunOptions};
use crate::trace::{Clock, Trace, jsonl};
use crate::tui::exercise::ExerciseView;
use crate::tui::lanes::{self, Lane};
use crate::tui::live::LiveRun;
use crate::tui::playback::Recording;
use crate::tui::theme::Theme;
use crate::view::findings::{Finding, findings};
use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton,
    MouseEvent, MouseEventKind,
};
use ratatui::layout::Rect;
use ratatui::text::Line;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Answers to a lesson's questions (question index, the learner's answer) waiting for
/// recording number `.0` to finish.
pub type PendingAnswers = (usize, Vec<(usize, Option<Response>)>);

/// How the TUI is set up.
#[derive(Clone, Debug)]
pub struct Config {
    pub lessons_dir: PathBuf,
    /// Where `exercises/` lives.
    pub root: PathBuf,
    /// The clock lesson runs use: real (they play live) or virtual (instant, exact).
    pub clock: Clock,
    pub theme: Theme,
    /// Where a tokio-console can attach, when `--console` asked for it.
    pub console: Option<String>,
    /// Hide wall-clock figures (snapshot tests).
    pub redact_wall: bool,
    /// Where lesson progress (read, questions answered) is kept; `None`: not kept.
    pub progress_file: Option<PathBuf>,
    /// `!` panics (the end-to-end test checks the terminal survives it).
    pub panic_key: bool,
}

impl Config {
    /// For tests: virtual time, colour, nothing written, wall-clock figures hidden.
    pub fn for_tests() -> Config {
        Config {
            lessons_dir: lesson::default_dir(),
            root: PathBuf::from(env!("CARGO_MANIFEST_DIR")),
            clock: Clock::Paused,
            theme: Theme {
                color: true,
                contrast: false,
            },
            console: None,
            redact_wall: true,
            progress_file: None,
            panic_key: false,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    Home,
    Lesson,
    Exercise,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HomeFocus {
    Lessons,
    Exercises,
}

/// What the pane beside the timeline shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Text,
    Inspector,
    Knobs,
    Findings,
}

/// A prediction being asked before a run.
#[derive(Clone, Debug)]
pub struct Asking {
    /// The lesson run it is about.
    pub run: usize,
    /// Questions still to ask (indices into the lesson's questions), the current first.
    pub queue: Vec<usize>,
    pub input: String,
    pub given: Vec<(usize, Option<Response>)>,
    /// Why the typed input is not an answer yet.
    pub problem: Option<String>,
}

#[derive(Clone, Debug)]
pub enum Overlay {
    None,
    /// Help, scrolled down this many lines (it is taller than a small terminal).
    Help(u16),
    Question(Asking),
    Verdicts(Vec<Graded>),
    /// Typing a trace file's path to open.
    Open(String),
}

/// The lesson screen (also used, without a lesson, for a trace opened from a file).
pub struct LessonView {
    pub lesson: Option<usize>,
    pub scroll: usize,
    /// The lesson run `Enter` starts.
    pub run_idx: usize,
    pub recordings: Vec<Recording>,
    pub current: Option<usize>,
    pub compare: bool,
    pub lane: usize,
    pub lane_scroll: usize,
    /// `None`: fold by itself when there are many lanes.
    pub fold: Option<bool>,
    /// 1 = the whole run; 2 = half of it, …
    pub zoom: f64,
    /// The window's left edge, as a fraction of the run.
    pub pan: f64,
    pub side: Side,
    pub focus_timeline: bool,
    pub knob_sel: usize,
    pub knob_values: Vec<(String, String)>,
    /// Predictions waiting for a recording to finish.
    pub pending: Option<PendingAnswers>,
    /// Task names and a moment to highlight: the real figure behind an answer.
    pub highlight: Vec<String>,
    pub highlight_ns: Option<u64>,
    /// The recording the highlight belongs to: it is not shown on any other.
    pub highlight_of: Option<usize>,
    pub lanes: Vec<Lane>,
    lanes_key: Option<(usize, u64, bool)>,
    pub cache: lanes::Cache,
    pub cache_b: lanes::Cache,
    pub text: Option<(u16, Vec<Line<'static>>)>,
    /// The findings of the shown recording, keyed by (recording, generation): a big run's
    /// lints walk every poll, once, not every frame.
    findings: Option<((usize, u64), Vec<Finding>)>,
}

impl LessonView {
    fn new(lesson: Option<usize>) -> LessonView {
        LessonView {
            lesson,
            scroll: 0,
            run_idx: 0,
            recordings: Vec::new(),
            current: None,
            compare: false,
            lane: 0,
            lane_scroll: 0,
            fold: None,
            zoom: 1.0,
            pan: 0.0,
            side: Side::Text,
            focus_timeline: false,
            knob_sel: 0,
            knob_values: Vec::new(),
            pending: None,
            highlight: Vec::new(),
            highlight_ns: None,
            highlight_of: None,
            lanes: Vec::new(),
            lanes_key: None,
            cache: lanes::Cache::default(),
            cache_b: lanes::Cache::default(),
            text: None,
            findings: None,
        }
    }

    /// The answer highlight (task names, a moment) if it belongs to the run shown: a new
    /// run does not inherit the marks of an old question.
    pub fn highlight_shown(&self) -> (&[String], Option<u64>) {
        if self.highlight_of.is_some() && self.highlight_of == self.current
        {
            (&self.highlight, self.highlight_ns)
        } else {
            (&[], None)
        }
    }

    /// What the shown run found, once it has played to its end (so a finding never answers
    /// a prediction early); empty before.
    /// `wall`: include what depends on the machine's speed (see `view::findings`).
    pub fn findings(&mut self, wall: bool) -> &[Finding] {
        let key = self
            .recording()
            .filter(|r| r.played_to_end())
            .map(|r| (self.current.unwrap_or(0), r.generation));
        match key {
            None => &[],
            Some(key) => {
                if self.findings.as_ref().is_none_or(|(k, _)| *k != key) {
                    let found =
                        findings(&self.recordings[key.0].full, wall);
                    self.findings = Some((key, found));
                }
                &self.findings.as_ref().unwrap().1
            }
        }
    }

    pub fn recording(&self) -> Option<&Recording> {
        self.current.and_then(|i| self.recordings.get(i))
    }

    pub fn recording_mut(&mut self) -> Option<&mut Recording> {
        self.current.and_then(|i| self.recordings.get_mut(i))
    }

    /// The run compared with the current one: the one before it (or after, for the first).
    pub fn partner(&self) -> Option<usize> {
        let cur = self.current?;
        if self.recordings.len() < 2 {
            return None;
        }
        Some(if cur > 0 { cur - 1 } else { 1 })
    }

    /// Are lanes folded by name?
    pub fn folded(&self) -> bool {
        self.fold.unwrap_or_else(|| {
            self.recording().is_some_and(|r| {
                r.timeline().scenario_tasks().count() > lanes::AUTO_FOLD
            })
        })
    }

    /// Rebuild the lane list if the recording or the fold changed.
    pub fn sync_lanes(&mut self) {
        let fold = self.folded();
        let Some(cur) = self.current else {
            self.lanes.clear();
            return;
        };
        let r = &self.recordings[cur];
        let key = (cur, r.generation, fold);
        if self.lanes_key != Some(key) {
            self.lanes = lanes::build(r.timeline(), fold);
            self.lanes_key = Some(key);
            self.lane = self.lane.min(self.lanes.len().saturating_sub(1));
        }
    }

    /// The window of the runtime clock shown, for a run spanning `span` ns.
    pub fn window_of(
        &self,
        span: u64,
        cols: usize,
        clip: u64,
    ) -> lanes::Window {
        let view = ((span as f64) / self.zoom).max(1.0);
        let max_pan = (1.0 - 1.0 / self.zoom).max(0.0);
        let start = (self.pan.clamp(0.0, max_pan) * span as f64) as u64;
        lanes::Window {
            start,
            span: view as u64,
            cols,
            clip,
        }
    }
}

/// Where things were drawn, for the mouse.
#[derive(Clone, Debug, Default)]
pub struct Hits {
    pub text: Rect,
    pub timeline: Rect,
    /// (row, lane index)
    pub lane_rows: Vec<(u16, usize)>,
}

pub struct App {
    pub config: Config,
    pub lessons: Vec<Lesson>,
    pub lesson_errors: Vec<String>,
    pub exercises: Vec<ExerciseInfo>,
    pub progress: Progress,
    pub lesson_progress: LessonProgress,
    pub screen: Screen,
    pub home_focus: HomeFocus,
    pub home_sel: usize,
    pub exercise_sel: usize,
    pub lv: LessonView,
    pub overlay: Overlay,
    pub instructor: bool,
    pub status: Option<String>,
    pub quit: bool,
    pub hits: Hits,
    /// The exercise screen (kept when going back home, so a check under way still lands).
    pub ev: Option<ExerciseView>,
    /// Reference solutions' checks, by exercise name: each is checked once.
    pub references: BTreeMap<String, Checked>,
    /// How far the verdicts popup is scrolled.
    pub verdict_scroll: u16,
    last_tick: Option<Instant>,
}

/// A lane's run span: at least one unit, rounded up to a 1-2-5 step while live so the axis
/// does not rescale on every tick.
pub fn axis_span(r: &Recording) -> u64 {
    let unit = r.full.unit_ns().max(1.0);
    let end = r.end_ns() as f64;
    if !r.is_live() {
        return (end.max(unit * 0.01)) as u64;
    }
    (crate::view::axis::step_at_least((end / unit).max(1.0)) * unit) as u64
}

impl App {
    pub fn new(config: Config) -> App {
        let (mut lessons, mut errors) =
            lesson::load_all(&config.lessons_dir);
        // The page Python learners need most, last in the list: text only, no runs.
        match lesson::asyncio_page(&config.lessons_dir) {
            Ok(page) => lessons.push(page),
            Err(e) if !lessons.is_empty() => errors.push(e),
            Err(_) => {}
        }
        let (exercises, info_error) = match crate::exercise::info::load(
            &config.root.join("exercises").join("info.toml"),
        ) {
            Ok(e) => (e, None),
            // Said, not swallowed: an empty exercise list alone would not say why.
            Err(e) => (Vec::new(), Some(format!("no exercises: {e}"))),
        };
        let (progress, warning) = if config.progress_file.is_some() {
            progress::load(&config.root)
        } else {
            (Progress::default(), None)
        };
        // A damaged file is kept aside, never overwritten; the status line says where.
        let (lesson_progress, lesson_warning) = match &config.progress_file
        {
            Some(p) => lesson_progress::load(p),
            None => (LessonProgress::default(), None),
        };
        App {
            config,
            lessons,
            lesson_errors: errors.iter().map(|e| e.to_string()).collect(),
            exercises,
            progress,
            lesson_progress,
            screen: Screen::Home,
            home_focus: HomeFocus::Lessons,
            home_sel: 0,
            exercise_sel: 0,
            lv: LessonView::new(None),
            overlay: Overlay::None,
            instructor: false,
            status: Some(
                [info_error, warning, lesson_warning]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" · "),
            )
            .filter(|s| !s.is_empty()),
            quit: false,
            hits: Hits::default(),
            ev: None,
            references: BTreeMap::new(),
            verdict_scroll: 0,
            last_tick: None,
        }
    }

    fn save_progress(&self) {
        if let Some(p) = &self.config.progress_file {
            let _ = lesson_progress::save(p, &self.lesson_progress);
        }
    }

    pub fn lesson(&self) -> Option<&Lesson> {
        self.lv.lesson.and_then(|i| self.lessons.get(i))
    }

    /// Open lesson `i` (its text; nothing runs until asked).
    pub fn open_lesson(&mut self, i: usize) {
        if i >= self.lessons.len() {
            return;
        }
        self.lv = LessonView::new(Some(i));
        self.screen = Screen::Lesson;
        self.overlay = Overlay::None;
        let id = self.lessons[i].id.clone();
        if self.lesson_progress.read.insert(id) {
            self.save_progress();
        }
    }

    /// Show a trace (from a file) on the lesson screen, without a lesson.
    pub fn open_trace(&mut self, label: &str, trace: Trace) {
        if self.screen != Screen::Lesson {
            self.lv = LessonView::new(None);
            self.screen = Screen::Lesson;
        }
        self.lv.recordings.push(Recording::from_trace(label, trace));
        self.lv.current = Some(self.lv.recordings.len() - 1);
        self.lv.lane = 0;
        self.lv.focus_timeline = true;
    }

    /// Load a trace file into the TUI.
    pub fn open_file(&mut self, path: &Path) -> Result<(), String> {
        let (trace, damage) =
            jsonl::load_lenient(path).map_err(|e| e.to_string())?;
        let name = path.file_name().map_or_else(
            || "trace".into(),
            |n| n.to_string_lossy().into_owned(),
        );
        self.open_trace(&name, trace);
        self.status = Some(match damage {
            Some(d) => format!("{d}: showing what was read before it"),
            None => format!("opened {}", path.display()),
        });
        Ok(())
    }

    /// Start one of the lesson's runs, live.
    pub fn start_lesson_run(&mut self, idx: usize) {
        let Some(spec) =
            self.lesson().and_then(|l| l.runs.get(idx)).cloned()
        else {
            return;
        };
        let label = format!("run {} · {}", idx + 1, short_label(&spec));
        self.start(&label, &spec.scenario, spec.settings());
    }

    /// Play `scenario` live on the lesson screen, without a lesson (`asyncscope --play`).
    pub fn play(
        &mut self,
        scenario: &str,
        settings: Vec<(String, String)>,
    ) {
        let mut label = scenario.to_string();
        for (k, v) in &settings {
            label.push_str(&format!(" {k}={v}"));
        }
        self.start(&label, scenario, settings);
    }

    /// Start `scenario` with `settings`, live; it becomes the current recording.
    pub fn start(
        &mut self,
        label: &str,
        scenario: &str,
        settings: Vec<(String, String)>,
    ) {
        let options = self.run_options(settings.clone());
        // Paused-clock runs are played at real pace; an unknown scenario fails in the run.
        let paced = scenarios::clock_of(scenario, &options)
            .is_ok_and(|c| c == Clock::Paused);
        let live = LiveRun::start(scenario, options);
        self.show_live(label, scenario, settings, live, paced);
    }

    /// How runs started from the TUI run: on its clock, with these knobs.
    fn run_options(&self, settings: Vec<(String, String)>) -> RunOptions {
        RunOptions {
            clock: self.config.clock,
            knobs: settings,
            ..RunOptions::default()
        }
    }

    /// Show a run already started; it becomes the current recording. From another screen,
    /// on the lesson screen without a lesson.
    pub fn show_live(
        &mut self,
        label: &str,
        scenario: &str,
        settings: Vec<(String, String)>,
        live: LiveRun,
        paced: bool,
    ) {
        if self.screen != Screen::Lesson {
            self.lv = LessonView::new(None);
            self.screen = Screen::Lesson;
            self.overlay = Overlay::None;
        }
        self.lv
            .recordings
            .push(Recording::live(label, scenario, settings, live, paced));
        self.lv.current = Some(self.lv.recordings.len() - 1);
        self.lv.focus_timeline = true;
        self.lv.zoom = 1.0;
        self.lv.pan = 0.0;
        self.last_tick = Some(Instant::now());
    }

    /// The questions asked before lesson run `idx`: those not yet answered right, or all of
    /// them when `again` (a re-ask) or in instructor mode (a class sees every question).
    pub fn questions_for(&self, idx: usize, again: bool) -> Vec<usize> {
        let Some(l) = self.lesson() else {
            return Vec::new();
        };
        let done = self.lesson_progress.answered.get(&l.id);
        l.questions
            .iter()
            .enumerate()
            .filter(|(i, q)| {
                q.run == idx
                    && (again
                        || self.instructor
                        || done.is_none_or(|d| !d.contains(i)))
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// Ask the run's questions first (see [`App::questions_for`]), then start it.
    pub fn request_run(&mut self, idx: usize, again: bool) {
        if self.lesson().is_none_or(|l| idx >= l.runs.len()) {
            return;
        }
        let queue = self.questions_for(idx, again);
        if queue.is_empty() {
            if again {
                self.status = Some("this run has no questions".into());
            }
            self.start_lesson_run(idx);
        } else {
            self.overlay = Overlay::Question(Asking {
                run: idx,
                queue,
                input: String::new(),
                given: Vec::new(),
                problem: None,
            });
        }
    }

    fn answer_question(
        &mut self,
        mut asking: Asking,
        given: Option<Response>,
    ) {
        let q = asking.queue.remove(0);
        asking.given.push((q, given));
        asking.input.clear();
        asking.problem = None;
        if !asking.queue.is_empty() {
            self.overlay = Overlay::Question(asking);
            return;
        }
        self.overlay = Overlay::None;
        self.start_lesson_run(asking.run);
        self.lv.pending = self.lv.current.map(|c| (c, asking.given));
    }

    /// Grade predictions once their run has been played to its end (a paced run is graded
    /// when the learner has seen it happen, not when it was recorded).
    fn grade_pending(&mut self) {
        let Some(rec) = self.lv.pending.as_ref().map(|(r, _)| *r) else {
            return;
        };
        if self
            .lv
            .recordings
            .get(rec)
            .is_some_and(|r| !r.played_to_end())
        {
            return;
        }
        let (_, given) = self.lv.pending.take().unwrap();
        let (Some(l), Some(r)) =
            (self.lesson().cloned(), self.lv.recordings.get(rec))
        else {
            return;
        };
        let tl = r.error.is_none().then_some(&r.full);
        let mut graded = Vec::new();
        let mut highlight = Vec::new();
        let mut highlight_ns = None;
        for (qi, g) in given {
            let q = &l.questions[qi];
            let verdict = quiz::grade_question(q, qi, g.as_ref(), tl);
            // Instructor mode rehearses and demonstrates: nothing is recorded.
            if verdict.correct && !self.instructor {
                self.lesson_progress
                    .answered
                    .entry(l.id.clone())
                    .or_default()
                    .insert(qi);
            }
            let query = q.query();
            match (&query, tl.and_then(|tl| query.evaluate(tl))) {
                (
                    Query::Duration | Query::Ended(_),
                    Some(Answer::Number(n)),
                ) => {
                    highlight_ns = tl.map(|tl| (n * tl.unit_ns()) as u64);
                }
                (_, Some(Answer::Text(t))) => {
                    highlight.extend(t.split(", ").map(str::to_string));
                }
                _ => {}
            }
            if let Query::Ended(t) | Query::Outcome(t) | Query::Polls(t) =
                &query
            {
                highlight.push(t.clone());
            }
            graded.push(verdict);
        }
        self.save_progress();
        self.lv.highlight = highlight;
        self.lv.highlight_ns = highlight_ns;
        self.lv.highlight_of = Some(rec);
        self.lv.text = None;
        self.overlay = Overlay::Verdicts(graded);
        self.verdict_scroll = 0;
    }

    /// Does time matter right now (a live run, or playback)?
    pub fn needs_tick(&self) -> bool {
        self.screen == Screen::Lesson
            && self.lv.recordings.iter().any(|r| r.active())
            || self.screen == Screen::Exercise
            || self.ev.as_ref().is_some_and(|e| e.busy())
    }

    /// Time passes: take in live runs, move playback. True if the screen must be redrawn.
    pub fn tick(&mut self, now: Instant) -> bool {
        let dt = self
            .last_tick
            .map_or(Duration::ZERO, |t| now.saturating_duration_since(t));
        self.last_tick = Some(now);
        let mut changed = self.exercise_tick(now);
        let current = self.lv.current;
        for (i, r) in self.lv.recordings.iter_mut().enumerate() {
            let was_live = r.is_live();
            changed |= r.refresh_live();
            changed |= r.poll_prefix();
            if Some(i) == current {
                changed |= r.advance(dt.min(Duration::from_millis(250)));
            }
            if was_live
                && !r.is_live()
                && let Some(e) = &r.error
            {
                self.status = Some(format!("the run failed: {e}"));
            }
        }
        if self.lv.pending.as_ref().is_some_and(|(rec, _)| {
            self.lv
                .recordings
                .get(*rec)
                .is_none_or(|r| r.played_to_end())
        }) {
            self.grade_pending();
            changed = true;
        }
        changed
    }

    /// Wait for every live run to finish and play it to its end, then take in the results
    /// (tests, and a learner who presses End).
    pub fn finish_runs(&mut self) {
        for r in &mut self.lv.recordings {
            r.wait();
            r.to_end();
        }
        self.tick(Instant::now());
    }

    /// Handle a terminal event. True if the screen must be redrawn.
    pub fn on_event(&mut self, ev: Event) -> bool {
        match ev {
            Event::Key(k) if k.kind != KeyEventKind::Release => {
                self.on_key(k);
                true
            }
            Event::Mouse(m) => self.on_mouse(m),
            Event::Resize(..) => true,
            _ => false,
        }
    }

    pub fn on_key(&mut self, k: KeyEvent) {
        if k.code == KeyCode::Char('c')
            && k.modifiers.contains(KeyModifiers::CONTROL)
        {
            self.quit = true;
            return;
        }
        if self.config.panic_key && k.code == KeyCode::Char('!') {
            panic!(
                "asyncscope: the panic asked for with ASYNCSCOPE_TUI_PANIC"
            );
        }
        self.status = None;
        match std::mem::replace(&mut self.overlay, Overlay::None) {
            Overlay::None => {}
            Overlay::Help(scroll) => {
                // Arrows scroll a help taller than the screen; any other key closes it, and
                // `q` still quits.
                let scroll = match k.code {
                    KeyCode::Down => Some(scroll.saturating_add(1)),
                    KeyCode::PageDown => Some(scroll.saturating_add(10)),
                    KeyCode::End => Some(u16::MAX),
                    KeyCode::Up => Some(scroll.saturating_sub(1)),
                    KeyCode::PageUp => Some(scroll.saturating_sub(10)),
                    KeyCode::Home => Some(0),
                    _ => None,
                };
                match scroll {
                    Some(s) => {
                        self.overlay = Overlay::Help(
                            s.min(crate::tui::ui::help::MAX_LINES),
                        )
                    }
                    None if k.code == KeyCode::Char('q') => {
                        self.quit = true
                    }
                    None => {}
                }
                return;
            }
            Overlay::Verdicts(v) => {
                // Arrows scroll verdicts taller than a small screen.
                match k.code {
                    KeyCode::Down => self.verdict_scroll += 1,
                    KeyCode::PageDown => self.verdict_scroll += 10,
                    KeyCode::Up => {
                        self.verdict_scroll =
                            self.verdict_scroll.saturating_sub(1)
                    }
                    KeyCode::PageUp => {
                        self.verdict_scroll =
                            self.verdict_scroll.saturating_sub(10)
                    }
                    _ => {}
                }
                self.verdict_scroll = self.verdict_scroll.min(200);
                if !matches!(
                    k.code,
                    KeyCode::Esc | KeyCode::Enter | KeyCode::Char(' ')
                ) {
                    self.overlay = Overlay::Verdicts(v);
                    if k.code == KeyCode::Char('q') {
                        self.quit = true;
                    }
                }
                return;
            }
            Overlay::Question(mut a) => {
                let Some(q) = self
                    .lesson()
                    .and_then(|l| l.questions.get(a.queue[0]))
                    .cloned()
                else {
                    return;
                };
                match k.code {
                    KeyCode::Esc => self.answer_question(a, None),
                    KeyCode::Enter if q.choices.is_empty() => {
                        match q.read(&a.input) {
                            Ok(given) => {
                                self.answer_question(a, Some(given))
                            }
                            Err(problem) => {
                                a.problem = Some(problem);
                                self.overlay = Overlay::Question(a);
                            }
                        }
                    }
                    // A choice is its key's position, read by the same rule as the CLI's.
                    KeyCode::Char(c) if !q.choices.is_empty() => {
                        match q.read(&c.to_string()) {
                            Ok(given) => {
                                self.answer_question(a, Some(given))
                            }
                            Err(problem) => {
                                a.problem = Some(problem);
                                self.overlay = Overlay::Question(a);
                            }
                        }
                    }
                    KeyCode::Char(c) => {
                        a.input.push(c);
                        a.problem = None;
                        self.overlay = Overlay::Question(a);
                    }
                    KeyCode::Backspace => {
                        a.input.pop();
                        self.overlay = Overlay::Question(a);
                    }
                    _ => self.overlay = Overlay::Question(a),
                }
                return;
            }
            Overlay::Open(mut path) => {
                match k.code {
                    KeyCode::Esc => {}
                    KeyCode::Enter => {
                        if let Err(e) =
                            self.open_file(Path::new(path.trim()))
                        {
                            self.status = Some(e);
                        }
                    }
                    KeyCode::Backspace => {
                        path.pop();
                        self.overlay = Overlay::Open(path);
                    }
                    KeyCode::Char(c) => {
                        path.push(c);
                        self.overlay = Overlay::Open(path);
                    }
                    _ => self.overlay = Overlay::Open(path),
                }
                return;
            }
        }
        match k.code {
            KeyCode::Char('?') => {
                self.overlay = Overlay::Help(0);
                return;
            }
            KeyCode::Char('q') => {
                self.quit = true;
                return;
            }
            KeyCode::Char('o') => {
                self.overlay = Overlay::Open(String::new());
                return;
            }
            _ => {}
        }
        match self.screen {
            Screen::Home => self.home_key(k),
            Screen::Lesson => self.lesson_key(k),
            Screen::Exercise => self.exercise_key(k),
        }
    }

    fn home_key(&mut self, k: KeyEvent) {
        let (sel, len) = match self.home_focus {
            HomeFocus::Lessons => (&mut self.home_sel, self.lessons.len()),
            HomeFocus::Exercises => {
                (&mut self.exercise_sel, self.exercises.len())
            }
        };
        match k.code {
            KeyCode::Up => *sel = sel.saturating_sub(1),
            KeyCode::Down => *sel = (*sel + 1).min(len.saturating_sub(1)),
            KeyCode::Home => *sel = 0,
            KeyCode::End => *sel = len.saturating_sub(1),
            KeyCode::Tab
            | KeyCode::Left
            | KeyCode::Right
            | KeyCode::BackTab => {
                self.home_focus = match self.home_focus {
                    HomeFocus::Lessons => HomeFocus::Exercises,
                    HomeFocus::Exercises => HomeFocus::Lessons,
                }
            }
            KeyCode::Enter => match self.home_focus {
                HomeFocus::Lessons => self.open_lesson(self.home_sel),
                HomeFocus::Exercises => {
                    self.open_exercise(self.exercise_sel)
                }
            },
            // Esc backs out of things; at home there is nothing to back out of. q quits.
            _ => {}
        }
    }

    fn lesson_key(&mut self, k: KeyEvent) {
        let shift = k.modifiers.contains(KeyModifiers::SHIFT);
        let lv = &mut self.lv;
        lv.sync_lanes();
        if lv.side == Side::Knobs && self.knobs_key(k) {
            return;
        }
        let lv = &mut self.lv;
        let runs = self
            .lessons
            .get(lv.lesson.unwrap_or(usize::MAX))
            .map_or(0, |l| l.runs.len());
        match k.code {
            KeyCode::Esc => {
                if lv.side != Side::Text {
                    lv.side = Side::Text;
                } else if lv.compare {
                    lv.compare = false;
                } else if self.instructor {
                    self.instructor = false;
                } else {
                    self.screen = Screen::Home;
                }
            }
            KeyCode::Enter
                if lv.focus_timeline
                    && lv.recording().is_some()
                    && !lv.recordings.is_empty()
                    && lv.side != Side::Inspector
                    && runs == 0 =>
            {
                lv.side = Side::Inspector;
            }
            KeyCode::Enter | KeyCode::Char('r') => {
                let idx = lv.run_idx;
                self.request_run(idx, false);
            }
            KeyCode::Char('a') => {
                let idx = lv.run_idx;
                self.request_run(idx, true);
            }
            KeyCode::Char(c @ '1'..='9') => {
                let i = c as usize - '1' as usize;
                if i < runs {
                    lv.run_idx = i;
                    // Show that run's latest recording, if there is one.
                    let prefix = format!("run {} ·", i + 1);
                    if let Some(r) = lv
                        .recordings
                        .iter()
                        .rposition(|r| r.label.starts_with(&prefix))
                    {
                        lv.current = Some(r);
                    }
                } else if i < lv.recordings.len() && runs == 0 {
                    lv.current = Some(i);
                }
            }
            KeyCode::Char(' ') => {
                if let Some(r) = lv.recording_mut() {
                    r.toggle_play();
                }
                self.last_tick = Some(Instant::now());
            }
            KeyCode::Left if shift => scrub(lv, -0.05),
            KeyCode::Right if shift => scrub(lv, 0.05),
            KeyCode::Left => {
                if let Some(r) = lv.recording_mut() {
                    r.step(-1);
                }
            }
            KeyCode::Right => {
                if let Some(r) = lv.recording_mut() {
                    r.step(1);
                }
            }
            KeyCode::Char('[') => scrub(lv, -0.05),
            KeyCode::Char(']') => scrub(lv, 0.05),
            KeyCode::Home => {
                if let Some(r) = lv.recording_mut() {
                    r.to_start();
                }
            }
            KeyCode::End => {
                if let Some(r) = lv.recording_mut() {
                    r.to_end();
                }
            }
            KeyCode::Char('+') | KeyCode::Char('=') => {
                if let Some(r) = lv.recording_mut() {
                    r.faster();
                }
            }
            KeyCode::Char('-') | KeyCode::Char('_') => {
                if let Some(r) = lv.recording_mut() {
                    r.slower();
                }
            }
            KeyCode::Char('p') => {
                if let Some(r) = lv.recording_mut() {
                    r.replay();
                }
                self.last_tick = Some(Instant::now());
            }
            KeyCode::Tab | KeyCode::BackTab => {
                lv.focus_timeline = !lv.focus_timeline
            }
            KeyCode::Up => {
                if lv.focus_timeline || lv.side != Side::Text {
                    lv.lane = lv.lane.saturating_sub(1);
                } else {
                    lv.scroll = lv.scroll.saturating_sub(1);
                }
            }
            KeyCode::Down => {
                if lv.focus_timeline || lv.side != Side::Text {
                    lv.lane =
                        (lv.lane + 1).min(lv.lanes.len().saturating_sub(1));
                } else {
                    lv.scroll += 1;
                }
            }
            KeyCode::PageUp => lv.scroll = lv.scroll.saturating_sub(10),
            KeyCode::PageDown => lv.scroll += 10,
            KeyCode::Char('w') => {
                lv.side = if lv.side == Side::Findings {
                    Side::Text
                } else {
                    Side::Findings
                };
            }
            KeyCode::Char('t') => {
                lv.side = if lv.side == Side::Inspector {
                    Side::Text
                } else {
                    Side::Inspector
                };
            }
            KeyCode::Char('z') => zoom(lv, 2.0),
            KeyCode::Char('x') => zoom(lv, 0.5),
            KeyCode::Char('<') | KeyCode::Char(',') => pan(lv, -0.25),
            KeyCode::Char('>') | KeyCode::Char('.') => pan(lv, 0.25),
            KeyCode::Char('f') => {
                let folded = lv.folded();
                lv.fold = Some(!folded);
                lv.lane = 0;
                lv.lane_scroll = 0;
            }
            KeyCode::Char('k') => {
                if lv.side == Side::Knobs {
                    lv.side = Side::Text;
                } else {
                    self.open_knobs();
                }
            }
            KeyCode::Char('c') => {
                if lv.partner().is_some() {
                    lv.compare = !lv.compare;
                } else {
                    self.status = Some("compare needs two runs: run another (or change a knob with k)".into());
                }
            }
            KeyCode::Char('H') => {
                self.config.theme.contrast = !self.config.theme.contrast;
                self.lv.text = None;
                self.status = Some(
                    if self.config.theme.contrast {
                        "high contrast: bright greys (H again for the usual ones)"
                    } else {
                        "usual contrast"
                    }
                    .into(),
                );
            }
            KeyCode::Char('i') => {
                self.instructor = !self.instructor;
                // The run list says which questions come first: in instructor mode, all.
                self.lv.text = None;
            }
            KeyCode::Char('R') => self.restart(),
            KeyCode::Char('s') => self.save_current(),
            _ => {}
        }
    }

    /// Run the current recording's scenario again with the same knobs.
    pub fn restart(&mut self) {
        let Some(r) = self.lv.recording() else {
            if self.lesson().is_some() {
                let i = self.lv.run_idx;
                self.start_lesson_run(i);
            }
            return;
        };
        let (label, scenario, settings) =
            (r.label.clone(), r.scenario.clone(), r.settings.clone());
        if scenarios::find(&scenario).is_none() {
            self.status = Some(format!(
                "`{scenario}` is not a scenario this asyncscope knows"
            ));
            return;
        }
        self.start(&label, &scenario, settings);
    }

    fn save_current(&mut self) {
        let Some(r) = self.lv.recording() else {
            self.status =
                Some("nothing to save yet: run something first".into());
            return;
        };
        if r.is_live() {
            self.status =
                Some("the run is still going: save it when it ends".into());
            return;
        }
        let mut n = 1;
        let path = loop {
            let p = PathBuf::from(format!(
                "asyncscope-{}-{n}.trace",
                r.scenario
            ));
            if !p.exists() {
                break p;
            }
            n += 1;
        };
        self.status = Some(match jsonl::save(&r.trace, &path) {
            Ok(()) => format!(
                "saved {} (open it again: asyncscope --open {0}, or o)",
                path.display()
            ),
            Err(e) => format!("could not save: {e}"),
        });
    }

    /// The knobs of the current recording's scenario (or the selected lesson run's).
    pub fn knob_scenario(&self) -> Option<(String, Vec<(String, String)>)> {
        if let Some(r) = self.lv.recording() {
            return Some((r.scenario.clone(), r.settings.clone()));
        }
        let spec = self.lesson()?.runs.get(self.lv.run_idx)?;
        Some((spec.scenario.clone(), spec.settings()))
    }

    fn open_knobs(&mut self) {
        let Some((scenario, settings)) = self.knob_scenario() else {
            self.status = Some("no scenario here to change".into());
            return;
        };
        let Some(sc) = scenarios::find(&scenario) else {
            self.status = Some(format!(
                "`{scenario}` is not a scenario this asyncscope knows"
            ));
            return;
        };
        let knobs = Knobs::resolve(&sc, &settings)
            .or_else(|_| Knobs::resolve(&sc, &[]))
            .map(|k| k.as_strings())
            .unwrap_or_default();
        self.lv.knob_values = sc
            .knobs
            .iter()
            .map(|k| {
                (
                    k.name.to_string(),
                    knobs
                        .get(k.name)
                        .cloned()
                        .unwrap_or_else(|| k.default.to_string()),
                )
            })
            .collect();
        self.lv.knob_sel = 0;
        self.lv.side = Side::Knobs;
    }

    /// Keys of the knob panel; false if the key is not the panel's.
    fn knobs_key(&mut self, k: KeyEvent) -> bool {
        let Some((scenario, _)) = self.knob_scenario() else {
            return false;
        };
        let Some(sc) = scenarios::find(&scenario) else {
            return false;
        };
        let lv = &mut self.lv;
        let n = lv.knob_values.len();
        match k.code {
            KeyCode::Up => lv.knob_sel = lv.knob_sel.saturating_sub(1),
            KeyCode::Down => {
                lv.knob_sel = (lv.knob_sel + 1).min(n.saturating_sub(1))
            }
            KeyCode::Left | KeyCode::Right => {
                let up = k.code == KeyCode::Right;
                if let (Some(spec), Some((_, v))) = (
                    sc.knobs.get(lv.knob_sel),
                    lv.knob_values.get_mut(lv.knob_sel),
                ) {
                    *v = nudge(&spec.kind, v, up);
                }
            }
            KeyCode::Enter => {
                let settings = lv.knob_values.clone();
                let desc: Vec<String> = settings
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect();
                lv.side = Side::Text;
                let label = format!("knobs · {}", desc.join(" "));
                self.start(&label, &scenario, settings);
            }
            _ => return false,
        }
        true
    }

    fn on_mouse(&mut self, m: MouseEvent) -> bool {
        if self.screen == Screen::Exercise
            && let Some(ev) = self.ev.as_mut()
        {
            match m.kind {
                MouseEventKind::ScrollUp => {
                    ev.scroll = ev.scroll.saturating_sub(3)
                }
                MouseEventKind::ScrollDown => {
                    ev.scroll = ev.scroll.saturating_add(3)
                }
                _ => return false,
            }
            return true;
        }
        if self.screen != Screen::Lesson {
            return match m.kind {
                MouseEventKind::ScrollUp => {
                    self.home_sel = self.home_sel.saturating_sub(1);
                    true
                }
                MouseEventKind::ScrollDown => {
                    self.home_sel = (self.home_sel + 1)
                        .min(self.lessons.len().saturating_sub(1));
                    true
                }
                _ => false,
            };
        }
        let inside = |r: Rect| {
            m.column >= r.x
                && m.column < r.x + r.width
                && m.row >= r.y
                && m.row < r.y + r.height
        };
        let lv = &mut self.lv;
        match m.kind {
            MouseEventKind::ScrollUp if inside(self.hits.text) => {
                lv.scroll = lv.scroll.saturating_sub(3)
            }
            MouseEventKind::ScrollDown if inside(self.hits.text) => {
                lv.scroll += 3
            }
            MouseEventKind::ScrollUp if inside(self.hits.timeline) => {
                lv.lane = lv.lane.saturating_sub(1)
            }
            MouseEventKind::ScrollDown if inside(self.hits.timeline) => {
                lv.lane =
                    (lv.lane + 1).min(lv.lanes.len().saturating_sub(1))
            }
            MouseEventKind::Down(MouseButton::Left) => {
                if let Some((_, lane)) =
                    self.hits.lane_rows.iter().find(|(y, _)| *y == m.row)
                {
                    if lv.lane == *lane {
                        lv.side = Side::Inspector;
                    }
                    lv.lane = *lane;
                    lv.focus_timeline = true;
                } else if inside(self.hits.text) {
                    lv.focus_timeline = false;
                } else {
                    return false;
                }
            }
            _ => return false,
        }
        true
    }
}

fn scrub(lv: &mut LessonView, fraction: f64) {
    if let Some(r) = lv.recording_mut() {
        r.scrub(fraction);
    }
}

fn zoom(lv: &mut LessonView, factor: f64) {
    let old = lv.zoom;
    lv.zoom = (lv.zoom * factor).clamp(1.0, 1024.0);
    // Keep the cursor in view: centre on it.
    if let Some(r) = lv.recording() {
        let span = axis_span(r).max(1) as f64;
        let at = r.cursor_ns() as f64 / span;
        let view = 1.0 / lv.zoom;
        lv.pan = (at - view / 2.0).clamp(0.0, (1.0 - view).max(0.0));
    }
    if lv.zoom == 1.0 || old == lv.zoom && factor < 1.0 {
        lv.pan = 0.0;
    }
}

fn pan(lv: &mut LessonView, by: f64) {
    let view = 1.0 / lv.zoom;
    lv.pan = (lv.pan + by * view).clamp(0.0, (1.0 - view).max(0.0));
}

/// A knob's next value up or down its range.
pub fn nudge(kind: &KnobKind, value: &str, up: bool) -> String {
    match kind {
        KnobKind::Int { min, max } => {
            let v: i64 = value.parse().unwrap_or(*min);
            let step = ((max - min) / 20).max(1);
            let v = if up { v + step } else { v - step };
            v.clamp(*min, *max).to_string()
        }
        KnobKind::Float { min, max } => {
            let v: f64 = value.parse().unwrap_or(*min);
            let step = ((max - min) / 20.0).max(0.01);
            let v = if up { v + step } else { v - step };
            let v = (v.clamp(*min, *max) * 100.0).round() / 100.0;
            format!("{v}")
        }
        KnobKind::Choice(options) => {
            let i = options.iter().position(|o| *o == value).unwrap_or(0);
            let n = options.len().max(1);
            let j = if up { (i + 1) % n } else { (i + n - 1) % n };
            options.get(j).unwrap_or(&"").to_string()
        }
        KnobKind::Bool => (value != "true").to_string(),
    }
}

/// A lesson run's label without the scenario name when it has one.
fn short_label(spec: &lesson::RunSpec) -> String {
    if spec.label.is_empty() {
        spec.describe()
    } else {
        spec.label.clone()
    }
}
