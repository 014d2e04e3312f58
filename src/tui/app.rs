//! The TUI's state and how time changes it. Nothing here draws or reads keys: the screens
//! ([`crate::tui::screens`]) turn keys into changes of this state.

use crate::exercise::Checked;
use crate::exercise::EXERCISES_PACKAGE;
use crate::exercise::info::ExerciseInfo;
use crate::exercise::progress::{self, Progress};
use crate::lesson::{self, Answer, Lesson, Query};
use crate::lesson_progress::{self, LessonProgress};
use crate::quiz::{self, Graded, Response};
use crate::scenarios::{self, KnobKind, Knobs, RunOptions};
use crate::trace::{Clock, Trace, jsonl};
use crate::tui::exercise::{ExerciseView, Which};
use crate::tui::lanes::{self, Lane};
use crate::tui::live::LiveRun;
use crate::tui::playback::Recording;
use crate::tui::theme::Theme;
use crate::view::findings::{Finding, findings};
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

/// The asyncio twin of a lesson run, recorded on a thread of its own (a Python run takes a
/// moment, and the screen keeps drawing meanwhile).
pub struct TwinRun {
    /// The lesson run it is the twin of.
    pub run: usize,
    handle: std::thread::JoinHandle<Result<Trace, String>>,
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
    /// An asyncio run and the tokio run it is compared with (recording indices).
    pub pair: Option<(usize, usize)>,
    /// An asyncio twin being recorded.
    pub twin: Option<TwinRun>,
    pub lane: usize,
    pub lane_scroll: usize,
    /// `None`: fold by itself when there are many lanes.
    pub fold: Option<bool>,
    /// 1 = the whole run; 2 = half of it, …
    pub zoom: f64,
    /// The window's left edge, as a fraction of the run.
    pub pan: f64,
    pub side: Side,
    /// How far the inspector or findings pane is scrolled (PgUp PgDn).
    pub pane_scroll: u16,
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
            pair: None,
            twin: None,
            lane: 0,
            lane_scroll: 0,
            fold: None,
            zoom: 1.0,
            pan: 0.0,
            side: Side::Text,
            pane_scroll: 0,
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

    /// The run compared with the current one: an asyncio run's tokio twin (and back), else
    /// the one before it (or after, for the first).
    pub fn partner(&self) -> Option<usize> {
        let cur = self.current?;
        match self.pair {
            Some((a, b)) if cur == a => return Some(b),
            Some((a, b)) if cur == b => return Some(a),
            _ => {}
        }
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
    /// The Python that runs lessons' asyncio twins (`None`: python3 on PATH).
    pub python: Option<PathBuf>,
    pub(crate) last_tick: Option<Instant>,
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
        // Built into the binary: nothing to fail here.
        let exercises = crate::exercise::info::builtin();
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
                [warning, lesson_warning]
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
            python: None,
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

    /// Record the asyncio twin of the chosen lesson run, to compare with its tokio run (which
    /// starts now if it never ran). Without a twin or a Python, the status line says why.
    pub fn start_asyncio_twin(&mut self) {
        let idx = self.lv.run_idx;
        let Some(l) = self.lesson() else {
            return;
        };
        if l.asyncio_twin(idx).is_none() {
            self.status = Some(if l.python.is_none() {
                "this page has no asyncio file to run".to_string()
            } else {
                format!(
                    "run {} has no asyncio twin: choose another run with its number",
                    idx + 1
                )
            });
            return;
        }
        if self.lv.twin.is_some() {
            self.status =
                Some("the asyncio run is still being recorded".into());
            return;
        }
        let python =
            match crate::python::find_python(self.python.as_deref()) {
                Ok(p) => p,
                Err(e) => {
                    self.status =
                        Some(format!("the asyncio side cannot run: {e}"));
                    return;
                }
            };
        let lesson = l.clone();
        if self.latest_run(idx).is_none() {
            self.start_lesson_run(idx);
        }
        let base = self.run_options(Vec::new());
        let version = python.full_version.clone();
        let handle = std::thread::spawn(move || {
            lesson::run_asyncio(&lesson, idx, &python, &base)
        });
        self.lv.twin = Some(TwinRun { run: idx, handle });
        self.status = Some(format!(
            "recording run {} in asyncio (Python {})…",
            idx + 1,
            version
        ));
    }

    /// The latest recording of lesson run `idx` (tokio's: asyncio runs are not labelled so).
    fn latest_run(&self, idx: usize) -> Option<usize> {
        let prefix = format!("run {} ·", idx + 1);
        self.lv
            .recordings
            .iter()
            .rposition(|r| r.label.starts_with(&prefix))
    }

    /// Take in a finished asyncio twin: it becomes the current recording, compared with the
    /// tokio run. True if one arrived.
    fn take_twin(&mut self, wait: bool) -> bool {
        if !wait
            && self
                .lv
                .twin
                .as_ref()
                .is_none_or(|t| !t.handle.is_finished())
        {
            return false;
        }
        let Some(twin) = self.lv.twin.take() else {
            return false;
        };
        let result = twin.handle.join().unwrap_or_else(|_| {
            Err("the asyncio run stopped without a result".into())
        });
        let trace = match result {
            Ok(t) => t,
            Err(e) => {
                self.status = Some(format!("the asyncio run failed: {e}"));
                return true;
            }
        };
        let label = self
            .lesson()
            .and_then(|l| l.runs.get(twin.run))
            .map_or_else(String::new, short_label);
        self.lv.recordings.push(Recording::from_trace(
            &format!("asyncio · run {} · {label}", twin.run + 1),
            trace,
        ));
        let mine = self.lv.recordings.len() - 1;
        match self.latest_run(twin.run) {
            Some(tokio) => {
                self.lv.pair = Some((mine, tokio));
                self.lv.compare = true;
                self.status = Some(
                    "asyncio (A) above, tokio (B) below, on one axis: c leaves compare"
                        .into(),
                );
            }
            None => self.lv.compare = false,
        }
        self.lv.current = Some(mine);
        self.lv.focus_timeline = true;
        true
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

    pub(crate) fn answer_question(
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
            && (self.lv.recordings.iter().any(|r| r.active())
                || self.lv.twin.is_some())
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
        changed |= self.take_twin(false);
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
        self.take_twin(true);
        for r in &mut self.lv.recordings {
            r.wait();
            r.to_end();
        }
        self.tick(Instant::now());
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

    pub(crate) fn save_current(&mut self) {
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

    pub(crate) fn open_knobs(&mut self) {
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
}

/// The exercise screen: opening it, checking, and taking in results.
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
        let Some(ev) = self.ev.as_mut() else {
            return;
        };
        let need_ref = !self.references.contains_key(&ev.info.name);
        if let Err(e) = ev.start_check(&self.config.root, need_ref) {
            self.status = Some(e);
        }
    }

    /// Take in finished checks and look at the learner's file. True if anything changed.
    fn exercise_tick(&mut self, now: Instant) -> bool {
        let watching = self.screen == Screen::Exercise;
        let Some(ev) = self.ev.as_mut() else {
            return false;
        };
        let polled = ev.poll(now, watching);
        if polled.lost {
            self.status = Some(
                "the check stopped without a result: r tries again".into(),
            );
        }
        if polled.file_changed {
            self.status = Some(format!(
                "exercises/{} changed: checking again",
                ev.info.file()
            ));
        }
        for (which, checked) in polled.arrived {
            self.take_result(which, checked);
        }
        if polled.check_again {
            self.recheck();
        }
        polled.changed
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
                if !own {
                    return;
                }
                self.progress.passed.insert(name.clone(), passed);
                self.progress.current = Some(name);
                if self.config.progress_file.is_some()
                    && let Err(e) =
                        progress::save(&self.config.root, &self.progress)
                {
                    self.status =
                        Some(format!("could not save your progress: {e}"));
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
