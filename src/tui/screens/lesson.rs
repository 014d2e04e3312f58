//! The lesson screen (also a trace opened from a file): the lesson text beside the timeline
//! of its runs, playback, the inspector, findings, compare, instructor mode; and its knobs
//! panel.

use super::Component;
use super::situation::{INSTRUCTOR, KNOBS, PLAYED, READY};
use crate::scenarios;
use crate::tui::app::{App, LessonView, Screen, Side, axis_span, nudge};
use crate::tui::keys::{Binding, Key, bind};
use crate::tui::ui;
use crossterm::event::{KeyCode, MouseButton, MouseEvent, MouseEventKind};
use ratatui::Frame;
use ratatui::layout::Rect;
use std::time::Instant;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Run,
    AskAgain,
    ChooseRun,
    PlayPause,
    StepBack,
    StepForward,
    NextMark,
    PreviousMark,
    ScrubBack,
    ScrubForward,
    ToStart,
    ToEnd,
    Slower,
    Faster,
    Replay,
    SwitchFocus,
    Up,
    Down,
    PageUp,
    PageDown,
    Inspect,
    Findings,
    ZoomIn,
    ZoomOut,
    PanLeft,
    PanRight,
    Fold,
    Knobs,
    Compare,
    Asyncio,
    Instructor,
    Contrast,
    Restart,
    Save,
    Back,
}

use Action as A;

const PLAYING: u8 = PLAYED | INSTRUCTOR;

pub struct Lesson;

impl Component for Lesson {
    type Action = Action;
    const TITLE: &'static str = " keys: lesson and timeline ";
    const BINDINGS: &'static [Binding<Action>] = &[
        bind(
            &[
                (Key::Code(KeyCode::Enter), A::Run),
                (Key::Char('r'), A::Run),
            ],
            "run the chosen run (predict first); on a trace file: inspect a lane",
        )
        .bar("run", 1, READY | PLAYED),
        bind(
            &[(Key::Char('a'), A::AskAgain)],
            "ask the chosen run's questions again, answered or not",
        ),
        bind(
            &[(Key::Digit, A::ChooseRun)],
            "choose which of the lesson's runs",
        )
        .bar("which run", 1, READY),
        bind(&[(Key::Char(' '), A::PlayPause)], "pause / play")
            .bar("play", 1, PLAYING),
        bind(
            &[
                (Key::Code(KeyCode::Left), A::StepBack),
                (Key::Code(KeyCode::Right), A::StepForward),
            ],
            "step one event back / forward",
        )
        .bar("step", 2, PLAYING),
        bind(
            &[(Key::Char('m'), A::NextMark), (Key::Char('M'), A::PreviousMark)],
            "jump to the next / previous mark (the event line reads it)",
        ),
        bind(
            &[
                (Key::Char('['), A::ScrubBack),
                (Key::Char(']'), A::ScrubForward),
                (Key::Shift(KeyCode::Left), A::ScrubBack),
                (Key::Shift(KeyCode::Right), A::ScrubForward),
            ],
            "scrub back / forward (a twentieth of the run)",
        )
        .bar("scrub", 2, PLAYING),
        bind(
            &[
                (Key::Code(KeyCode::Home), A::ToStart),
                (Key::Code(KeyCode::End), A::ToEnd),
            ],
            "go to the start / the end of the run",
        ),
        bind(
            &[
                (Key::Char('-'), A::Slower),
                (Key::Char('+'), A::Faster),
                (Key::Char('_'), A::Slower),
                (Key::Char('='), A::Faster),
            ],
            "playback speed, 0.1× to 10×",
        )
        .bar("speed", 2, PLAYING),
        bind(&[(Key::Char('p'), A::Replay)], "replay from the start")
            .bar("replay", 1, INSTRUCTOR),
        bind(
            &[
                (Key::Code(KeyCode::Tab), A::SwitchFocus),
                (Key::Code(KeyCode::BackTab), A::SwitchFocus),
            ],
            "move between the text and the timeline",
        )
        .bar("focus", 1, PLAYED),
        bind(
            &[
                (Key::Code(KeyCode::Up), A::Up),
                (Key::Code(KeyCode::Down), A::Down),
            ],
            "select a lane (timeline) or scroll the text",
        )
        .bar("scroll", 2, READY),
        bind(
            &[
                (Key::Code(KeyCode::PageUp), A::PageUp),
                (Key::Code(KeyCode::PageDown), A::PageDown),
            ],
            "scroll the lesson text, or the inspector or findings pane",
        ),
        bind(
            &[(Key::Char('t'), A::Inspect)],
            "inspect the selected task (click a lane twice)",
        )
        .bar("inspect", 1, PLAYING),
        bind(
            &[(Key::Char('w'), A::Findings)],
            "findings: warnings (deadlock, leaks…), heartbeat lag, values",
        ),
        bind(
            &[(Key::Char('z'), A::ZoomIn), (Key::Char('x'), A::ZoomOut)],
            "zoom in / out around the cursor",
        ),
        bind(
            &[
                (Key::Char('<'), A::PanLeft),
                (Key::Char('>'), A::PanRight),
                (Key::Char(','), A::PanLeft),
                (Key::Char('.'), A::PanRight),
            ],
            "pan the zoomed timeline",
        ),
        bind(
            &[(Key::Char('f'), A::Fold)],
            "fold lanes by name (automatic above 100 tasks)",
        ),
        bind(
            &[(Key::Char('k'), A::Knobs)],
            "knobs: change a value, Enter re-runs",
        )
        .bar("knobs", 1, READY | PLAYED),
        bind(
            &[(Key::Char('c'), A::Compare)],
            "compare with the previous run, on one time axis",
        )
        .bar("compare", 1, PLAYED),
        bind(
            &[(Key::Char('i'), A::Instructor)],
            "instructor mode: big timeline; asks all, records none",
        )
        .bar("instructor", 1, READY | INSTRUCTOR),
        bind(
            &[(Key::Char('H'), A::Contrast)],
            "high contrast: bright greys, for a projector",
        ),
        bind(
            &[(Key::Char('R'), A::Restart)],
            "restart: run the scenario again",
        )
        .bar("restart", 1, INSTRUCTOR),
        bind(
            &[(Key::Char('s'), A::Save)],
            "save the trace (asyncscope --open FILE loads it)",
        ),
        bind(
            &[(Key::Code(KeyCode::Esc), A::Back)],
            "close a panel, leave compare or instructor mode, back",
        )
        .bar("home", 1, READY),
        // Last: a narrow key bar drops it first (help lists it all the same).
        bind(
            &[(Key::Char('y'), A::Asyncio)],
            "run the chosen run's asyncio twin (Python) beside its tokio run",
        )
        .bar("asyncio", 1, READY | PLAYED),
    ];

    fn act(app: &mut App, action: Action, digit: u8) {
        let runs = app.lesson().map_or(0, |l| l.runs.len());
        let lv = &mut app.lv;
        match action {
            A::Back => {
                if lv.side != Side::Text {
                    lv.side = Side::Text;
                } else if lv.compare {
                    lv.compare = false;
                } else if app.instructor {
                    app.instructor = false;
                } else {
                    app.screen = Screen::Home;
                }
            }
            // An opened trace has no runs: Enter inspects the selected lane.
            A::Run
                if runs == 0
                    && lv.focus_timeline
                    && lv.recording().is_some()
                    && lv.side != Side::Inspector =>
            {
                lv.side = Side::Inspector;
            }
            A::Run => {
                let idx = lv.run_idx;
                app.request_run(idx, false);
            }
            A::AskAgain => {
                let idx = lv.run_idx;
                app.request_run(idx, true);
            }
            A::ChooseRun => {
                let i = usize::from(digit).saturating_sub(1);
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
            A::PlayPause => {
                if let Some(r) = lv.recording_mut() {
                    r.toggle_play();
                }
                app.last_tick = Some(Instant::now());
            }
            A::Replay => {
                if let Some(r) = lv.recording_mut() {
                    r.replay();
                }
                app.last_tick = Some(Instant::now());
            }
            A::StepBack | A::StepForward => {
                if let Some(r) = lv.recording_mut() {
                    r.step(if action == A::StepBack { -1 } else { 1 });
                }
            }
            A::NextMark | A::PreviousMark => {
                let dir = if action == A::NextMark { 1 } else { -1 };
                if lv.recording_mut().is_some_and(|r| !r.step_to_mark(dir))
                {
                    app.status = Some(
                        if dir > 0 {
                            "no mark after this one"
                        } else {
                            "no mark before this one"
                        }
                        .into(),
                    );
                }
            }
            A::ScrubBack => scrub(lv, -0.05),
            A::ScrubForward => scrub(lv, 0.05),
            A::ToStart => {
                if let Some(r) = lv.recording_mut() {
                    r.to_start();
                }
            }
            A::ToEnd => {
                if let Some(r) = lv.recording_mut() {
                    r.to_end();
                }
            }
            A::Faster => {
                if let Some(r) = lv.recording_mut() {
                    r.faster();
                }
            }
            A::Slower => {
                if let Some(r) = lv.recording_mut() {
                    r.slower();
                }
            }
            A::SwitchFocus => lv.focus_timeline = !lv.focus_timeline,
            A::Up => {
                if lv.focus_timeline || lv.side != Side::Text {
                    lv.lane = lv.lane.saturating_sub(1);
                } else {
                    lv.scroll = lv.scroll.saturating_sub(1);
                }
            }
            A::Down => {
                if lv.focus_timeline || lv.side != Side::Text {
                    lv.lane =
                        (lv.lane + 1).min(lv.lanes.len().saturating_sub(1));
                } else {
                    lv.scroll += 1;
                }
            }
            A::PageUp | A::PageDown if lv.side != Side::Text => {
                lv.pane_scroll = if action == A::PageUp {
                    lv.pane_scroll.saturating_sub(5)
                } else {
                    lv.pane_scroll.saturating_add(5)
                };
            }
            A::PageUp => lv.scroll = lv.scroll.saturating_sub(10),
            A::PageDown => lv.scroll += 10,
            A::Findings | A::Inspect => {
                let pane = if action == A::Findings {
                    Side::Findings
                } else {
                    Side::Inspector
                };
                lv.side = toggle(lv.side, pane);
                lv.pane_scroll = 0;
            }
            A::ZoomIn => zoom(lv, 2.0),
            A::ZoomOut => zoom(lv, 0.5),
            A::PanLeft => pan(lv, -0.25),
            A::PanRight => pan(lv, 0.25),
            A::Fold => {
                let folded = lv.folded();
                lv.fold = Some(!folded);
                lv.lane = 0;
                lv.lane_scroll = 0;
            }
            A::Knobs => {
                if lv.side == Side::Knobs {
                    lv.side = Side::Text;
                } else {
                    app.open_knobs();
                }
            }
            A::Compare => {
                if lv.partner().is_some() {
                    lv.compare = !lv.compare;
                } else {
                    app.status = Some(
                        "compare needs two runs: run another (or change a knob with k)".into(),
                    );
                }
            }
            A::Asyncio => app.start_asyncio_twin(),
            A::Contrast => {
                app.config.theme.contrast = !app.config.theme.contrast;
                app.lv.text = None;
                app.status = Some(
                    if app.config.theme.contrast {
                        "high contrast: bright greys (H again for the usual ones)"
                    } else {
                        "usual contrast"
                    }
                    .into(),
                );
            }
            A::Instructor => {
                app.instructor = !app.instructor;
                // The run list says which questions come first: in instructor mode, all.
                app.lv.text = None;
            }
            A::Restart => app.restart(),
            A::Save => app.save_current(),
        }
    }

    fn draw(f: &mut Frame, area: Rect, app: &mut App) {
        ui::lesson::draw(f, area, app);
    }

    fn symbols() -> &'static [(&'static str, &'static str)] {
        ui::help::LESSON_SYMBOLS
    }

    fn mouse() -> &'static str {
        "the mouse: click a lane to select it, again to inspect; the wheel scrolls"
    }
}

/// `side` shown, or the text again if it was.
fn toggle(now: Side, side: Side) -> Side {
    if now == side { Side::Text } else { side }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KnobAction {
    Previous,
    Next,
    Lower,
    Higher,
    Rerun,
    Close,
}

/// The knobs panel beside the timeline (`k`).
pub struct Knobs;

impl Component for Knobs {
    type Action = KnobAction;
    const TITLE: &'static str = " keys: knobs ";
    const BINDINGS: &'static [Binding<KnobAction>] = &[
        bind(
            &[
                (Key::Code(KeyCode::Up), KnobAction::Previous),
                (Key::Code(KeyCode::Down), KnobAction::Next),
            ],
            "choose a knob",
        )
        .bar("knob", 2, KNOBS),
        bind(
            &[
                (Key::Code(KeyCode::Left), KnobAction::Lower),
                (Key::Code(KeyCode::Right), KnobAction::Higher),
            ],
            "its value down / up its range",
        )
        .bar("value", 2, KNOBS),
        bind(
            &[(Key::Code(KeyCode::Enter), KnobAction::Rerun)],
            "run the scenario again with these values",
        )
        .bar("re-run", 1, KNOBS),
        bind(
            &[(Key::Code(KeyCode::Esc), KnobAction::Close)],
            "close the knobs",
        )
        .bar("close", 1, KNOBS),
    ];

    fn act(app: &mut App, action: KnobAction, _: u8) {
        let sc = app.knob_scenario().and_then(|(name, _)| {
            scenarios::find(&name).map(|sc| (name, sc))
        });
        let lv = &mut app.lv;
        let n = lv.knob_values.len();
        match action {
            KnobAction::Close => lv.side = Side::Text,
            KnobAction::Previous => {
                lv.knob_sel = lv.knob_sel.saturating_sub(1)
            }
            KnobAction::Next => {
                lv.knob_sel = (lv.knob_sel + 1).min(n.saturating_sub(1))
            }
            KnobAction::Lower | KnobAction::Higher => {
                if let Some((_, sc)) = &sc
                    && let (Some(spec), Some((_, v))) = (
                        sc.knobs.get(lv.knob_sel),
                        lv.knob_values.get_mut(lv.knob_sel),
                    )
                {
                    *v = nudge(&spec.kind, v, action == KnobAction::Higher);
                }
            }
            KnobAction::Rerun => {
                let Some((scenario, _)) = sc else {
                    return;
                };
                let settings = lv.knob_values.clone();
                let desc: Vec<String> = settings
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect();
                lv.side = Side::Text;
                let label = format!("knobs · {}", desc.join(" "));
                app.start(&label, &scenario, settings);
            }
        }
    }

    fn draw(f: &mut Frame, area: Rect, app: &mut App) {
        ui::knobs::draw(f, area, app);
    }
}

/// The mouse: the wheel scrolls (or moves through a list); on the lesson screen a click
/// selects a lane, a second click inspects it, and a click in the text moves the focus there.
pub fn on_mouse(app: &mut App, m: MouseEvent) -> bool {
    let wheel_up = match m.kind {
        MouseEventKind::ScrollUp => true,
        MouseEventKind::ScrollDown => false,
        _ if app.screen != Screen::Lesson => return false,
        _ => false,
    };
    match app.screen {
        Screen::Exercise => {
            if let Some(ev) = app.ev.as_mut() {
                ev.scroll = if wheel_up {
                    ev.scroll.saturating_sub(3)
                } else {
                    ev.scroll.saturating_add(3)
                };
            }
            return true;
        }
        Screen::Home => {
            use super::home::{Action as H, Home};
            Home::act(app, if wheel_up { H::Up } else { H::Down }, 0);
            return true;
        }
        Screen::Lesson => {}
    }
    let inside = |r: Rect| {
        m.column >= r.x
            && m.column < r.x + r.width
            && m.row >= r.y
            && m.row < r.y + r.height
    };
    let lv = &mut app.lv;
    match m.kind {
        MouseEventKind::ScrollUp if inside(app.hits.text) => {
            lv.scroll = lv.scroll.saturating_sub(3)
        }
        MouseEventKind::ScrollDown if inside(app.hits.text) => {
            lv.scroll += 3
        }
        MouseEventKind::ScrollUp if inside(app.hits.timeline) => {
            lv.lane = lv.lane.saturating_sub(1)
        }
        MouseEventKind::ScrollDown if inside(app.hits.timeline) => {
            lv.lane = (lv.lane + 1).min(lv.lanes.len().saturating_sub(1))
        }
        MouseEventKind::Down(MouseButton::Left) => {
            if let Some((_, lane)) =
                app.hits.lane_rows.iter().find(|(y, _)| *y == m.row)
            {
                if lv.lane == *lane {
                    lv.side = Side::Inspector;
                }
                lv.lane = *lane;
                lv.focus_timeline = true;
            } else if inside(app.hits.text) {
                lv.focus_timeline = false;
            } else {
                return false;
            }
        }
        _ => return false,
    }
    true
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
