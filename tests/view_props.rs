//! Properties of the view over real runs: every scenario (default knobs) and every lesson's
//! runs, drawn at five widths.
//!
//! - The text export and the TUI draw the same cell in every (lane, column): the text's chart
//!   is read back from its characters, the TUI's rows come from its lane cache for the same
//!   window.
//! - No phantom parallelism: in every column, the task lanes drawn running (`█`) are at most
//!   the runtime threads that ran a poll in that column, and the lanes drawn `▓` at most the
//!   blocking-pool threads that did (threads counted from the timeline, not from the view).
//!
//! Runs use the paused clock; multi_thread scenarios run on the real clock (tokio cannot pause
//! theirs), so they are checked as they happened, whatever the machine's load.

use asyncscope::export::text;
use asyncscope::lesson;
use asyncscope::scenarios::{self, RunOptions};
use asyncscope::timeline::{PollSpan, Timeline};
use asyncscope::tui::lanes::{self, Cache, LaneKind};
use asyncscope::view::cells::task_cells;
use asyncscope::view::{Cell, Window, names};
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

const WIDTHS: [u16; 5] = [40, 73, 120, 211, 400];

/// One run at a time: the real-clock runs compute on every core, and must not compete with
/// each other for them.
static ONE_RUN_AT_A_TIME: Mutex<()> = Mutex::new(());

fn one_run_at_a_time() -> MutexGuard<'static, ()> {
    ONE_RUN_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The load scenarios (10,000 tasks, 1,000,000 polls) are too big to draw 5 times over.
const TOO_BIG: [&str; 2] = ["many-tasks", "many-polls"];

fn runs() -> Vec<(String, Vec<(String, String)>)> {
    let mut runs: Vec<(String, Vec<(String, String)>)> =
        scenarios::registry()
            .iter()
            .filter(|s| !TOO_BIG.contains(&s.id))
            .map(|s| (s.id.to_string(), Vec::new()))
            .collect();
    let (lessons, errors) = lesson::load_all(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons"),
    );
    assert!(errors.is_empty(), "{errors:?}");
    for l in lessons {
        for r in l.runs {
            let knobs = r.settings();
            runs.push((r.scenario, knobs));
        }
    }
    runs
}

fn timeline(id: &str, knobs: &[(String, String)]) -> Timeline {
    let mut options = RunOptions::virtual_time();
    for (k, v) in knobs {
        options = options.knob(k, v);
    }
    let trace = scenarios::run(id, &options)
        .unwrap_or_else(|e| panic!("{id} {knobs:?}: {e}"));
    Timeline::from_trace(&trace)
}

/// The chart of a text export: each lane's name and cells, read back from the characters.
fn text_chart(text: &str) -> Vec<(String, Vec<Cell>)> {
    let lines: Vec<Vec<char>> =
        text.lines().map(|l| l.chars().collect()).collect();
    let ticks = lines
        .iter()
        .position(|l| l.contains(&'├') && l.last() == Some(&'┤'))
        .unwrap_or_else(|| panic!("no axis in:\n{text}"));
    let x0 = lines[ticks].iter().position(|&c| c == '├').unwrap();
    let cols = lines[ticks].len() - 1 - x0;
    let mut chart = Vec::new();
    for line in &lines[ticks + 1..] {
        let name: String = line[..x0.min(line.len())].iter().collect();
        if line.starts_with(&['█', ' ', 'r']) {
            break; // the legend: "█ running  ╷ brief poll …"
        }
        let cells = (0..cols)
            .map(|c| {
                let ch = line.get(x0 + c).copied().unwrap_or(' ');
                Cell::from_glyph(ch).unwrap_or_else(|| {
                    panic!("`{ch}` is not a cell in:\n{text}")
                })
            })
            .collect();
        chart.push((name.trim().to_string(), cells));
    }
    chart
}

/// Does the poll overlap `[a, b)`, or (taking no clock time) happen inside it?
fn polled_in(p: &PollSpan, a: u64, b: u64) -> bool {
    p.start.rt_ns < b
        && (p.end.rt_ns > a
            || (p.start.rt_ns == p.end.rt_ns && p.start.rt_ns >= a))
}

/// Threads that ran a poll in `[a, b)`: (runtime threads, blocking-pool threads).
fn threads_polling(tl: &Timeline, a: u64, b: u64) -> (usize, usize) {
    let busy = |pool: bool| {
        tl.threads
            .iter()
            .filter(|t| t.blocking_pool == pool)
            .filter(|t| t.polls.iter().any(|(_, p)| polled_in(p, a, b)))
            .count()
    };
    (busy(false), busy(true))
}

fn check(id: &str, knobs: &[(String, String)], tl: &Timeline) {
    let lanes = lanes::build(tl, false);
    let task_lanes = lanes
        .iter()
        .filter(|l| !matches!(l.kind, LaneKind::Thread(_)))
        .count();
    let single_thread = tl.header.flavor != "multi_thread";
    for width in WIDTHS {
        let what = format!("{id} {knobs:?} at width {width}");
        let text = text::render(tl, width);
        let chart = text_chart(&text);
        let w: Window = text::chart_window(tl, width);
        assert_eq!(
            chart.len(),
            lanes.len(),
            "{what}: lanes differ\n{text}"
        );
        let mut cache = Cache::default();
        for (i, (lane, (name, cells))) in
            lanes.iter().zip(&chart).enumerate()
        {
            let shown = name.trim_end_matches('…');
            assert!(
                lane.name.starts_with(shown),
                "{what}: lane {i} is `{}` in the TUI, `{name}` in the text",
                lane.name
            );
            let tui = cache.row(0, false, &w, tl, &lanes, i);
            assert_eq!(
                tui,
                &cells[..],
                "{what}: lane `{}` differs\n{text}",
                lane.name
            );
        }
        for c in 0..w.cols {
            let (a, b) = w.bounds(c);
            let (runtime_threads, pool_threads) = threads_polling(tl, a, b);
            let drawn = |cell: Cell| {
                chart[..task_lanes]
                    .iter()
                    .filter(|(_, cells)| cells[c] == cell)
                    .count()
            };
            let running = drawn(Cell::Running);
            assert!(
                running <= runtime_threads,
                "{what}: column {c} shows {running} tasks running, {runtime_threads} runtime threads polled in it\n{text}"
            );
            if single_thread {
                assert!(running <= 1, "{what}: column {c}\n{text}");
            }
            let blocking = drawn(Cell::Blocking);
            assert!(
                blocking <= pool_threads,
                "{what}: column {c} shows {blocking} blocking lanes, {pool_threads} pool threads polled in it\n{text}"
            );
        }
    }
    // A lane is █ only where one thread polled the task for more than half the column, so
    // its █ columns cover less than twice the time it ran: a mostly idle task is never solid.
    let w = text::chart_window(tl, 400);
    let col_ns = w.span as f64 / w.cols as f64;
    let mut cells = Vec::new();
    for t in names::task_lanes(tl) {
        task_cells(t, &w, &mut cells);
        let full = cells.iter().filter(|c| c.is_busy()).count();
        let ran: u64 =
            t.polls.iter().map(|p| p.end.rt_ns - p.start.rt_ns).sum();
        assert!(
            full == 0 || (full as f64) * col_ns < 2.0 * ran as f64,
            "{id} {knobs:?}: `{}` ran {ran} ns but {full} columns of {col_ns} ns are drawn full",
            t.label()
        );
    }
    // Thread names say what the runtime had.
    let thread_names = names::thread_names(tl);
    let workers = thread_names
        .iter()
        .filter(|n| n.starts_with("worker "))
        .count();
    let mains = thread_names.iter().filter(|n| *n == "main thread").count();
    assert_eq!(mains, 1, "{id} {knobs:?}: {thread_names:?}");
    if single_thread {
        assert_eq!(workers, 0, "{id} {knobs:?}: {thread_names:?}");
    } else {
        assert!(
            workers <= tl.header.workers,
            "{id} {knobs:?}: {thread_names:?}"
        );
    }
}

#[test]
fn text_and_tui_draw_the_same_cells_and_no_phantom_parallelism() {
    let _alone = one_run_at_a_time();
    let runs = runs();
    assert!(runs.len() > 40, "{} runs", runs.len());
    let mut checked_busy = 0;
    for (id, knobs) in &runs {
        let tl = timeline(id, knobs);
        check(id, knobs, &tl);
        let w = text::chart_window(&tl, 120);
        let mut cells = Vec::new();
        for t in names::task_lanes(&tl) {
            task_cells(t, &w, &mut cells);
            checked_busy += cells.iter().filter(|c| c.is_busy()).count();
        }
    }
    // Real-clock runs (CPU work, several threads) draw full blocks: the check above had some
    // to count.
    assert!(checked_busy > 0);
}

// ---------------------------------------------------------------------------------------------
// Snapshots of the lessons where the old picture misled: what each names, and (on the paused
// clock, where every figure is exact) the chart itself.

/// A lesson's runs, with their knobs as `--set` would give them.
fn lesson_runs(id: &str) -> Vec<(String, Vec<(String, String)>)> {
    let (lessons, _) = lesson::load_all(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons"),
    );
    let lesson = lessons
        .into_iter()
        .find(|l| l.id == id)
        .expect("the lesson");
    lesson
        .runs
        .into_iter()
        .map(|r| {
            let knobs = r.settings();
            (r.scenario, knobs)
        })
        .collect()
}

/// The chart of the text export: from the axis to the legend.
fn chart_lines(text: &str) -> String {
    text.lines()
        .skip_while(|l| {
            !l.trim_start().starts_with(|c: char| c.is_ascii_digit())
        })
        .take_while(|l| !l.starts_with("█ running"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// What a run's threads are called, in the text export, the TUI and the Chrome export.
fn thread_names_everywhere(tl: &Timeline) -> String {
    let text = text::render(tl, 120);
    let lanes = lanes::build(tl, false);
    let tui: Vec<&str> = lanes
        .iter()
        .filter(|l| matches!(l.kind, LaneKind::Thread(_)))
        .map(|l| l.name.as_str())
        .collect();
    let in_text: Vec<&str> = text_chart(&text)
        .iter()
        .filter_map(|(name, _)| {
            tui.iter().find(|n| **n == name.as_str()).copied()
        })
        .collect();
    assert_eq!(
        in_text, tui,
        "the text export names threads as the TUI does\n{text}"
    );
    let doc = asyncscope::export::chrome::to_value(tl);
    // In the order the threads started, which the OS decides: sorted.
    let mut chrome: Vec<&str> = doc["traceEvents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["ph"] == "M" && e["name"] == "thread_name")
        .map(|e| e["args"]["name"].as_str().unwrap())
        .collect();
    chrome.sort();
    format!(
        "{} {} · {} worker(s) configured\n  thread lanes: {tui:?}\n  chrome: {chrome:?}",
        tl.header.scenario,
        tl.header.knobs_line(),
        if tl.header.flavor == "multi_thread" {
            tl.header.workers
        } else {
            0
        },
    )
}

/// Does any task lane that was mostly idle draw solid? (`None`: no.)
fn solid_idle_lane(tl: &Timeline, width: u16) -> Option<String> {
    let w = text::chart_window(tl, width);
    let mut cells = Vec::new();
    names::task_lanes(tl).into_iter().find_map(|t| {
        task_cells(t, &w, &mut cells);
        let alive: Vec<Cell> = cells
            .iter()
            .copied()
            .filter(|c| !matches!(c, Cell::Empty | Cell::Done))
            .collect();
        let solid = alive.len() > 1 && alive.iter().all(|c| c.is_busy());
        let life =
            t.ended.map_or(tl.end.rt_ns, |e| e.rt_ns) - t.spawned.rt_ns;
        let mostly_idle = t.idle_ns() * 2 > life;
        (solid && mostly_idle).then(|| t.label())
    })
}

#[test]
fn lesson_02_names_its_one_thread_and_draws_no_solid_lanes() {
    let _alone = one_run_at_a_time();
    let mut names = Vec::new();
    for (id, knobs) in lesson_runs("02") {
        let tl = timeline(&id, &knobs);
        assert_eq!(solid_idle_lane(&tl, 120), None, "{id} {knobs:?}");
        if tl.header.flavor == "multi_thread" {
            assert_eq!(tl.header.workers, 1);
        }
        names.push(thread_names_everywhere(&tl));
    }
    insta::assert_snapshot!("lesson_02_thread_names", names.join("\n"));
    let (id, knobs) = &lesson_runs("02")[0];
    let tl = timeline(id, knobs);
    insta::assert_snapshot!(
        "lesson_02_interleave_chart",
        chart_lines(&text::render(&tl, 80))
    );
}

#[test]
fn lesson_12_spawn_blocking_leaves_the_runtime_thread_free() {
    let _alone = one_run_at_a_time();
    let knobs = vec![("mode".to_string(), "spawn_blocking".to_string())];
    let tl = timeline("heartbeat-cpu", &knobs);
    assert_eq!(solid_idle_lane(&tl, 120), None);
    // The runtime thread only ever polls briefly (the heartbeat, main): never a full block.
    let w = text::chart_window(&tl, 120);
    for (i, name) in names::thread_lanes(&tl) {
        let cells = asyncscope::view::cells::thread_cells(&tl, i, &w);
        if name == "main thread" {
            assert!(!cells.contains(&Cell::Running), "{name}: {cells:?}");
        }
    }
    // Which pool thread takes each job is tokio's choice (a second one starts when the first
    // is not back yet): the pool's lanes are checked here, the rest is the snapshot.
    let lanes: Vec<String> = names::thread_lanes(&tl)
        .into_iter()
        .map(|(_, n)| n)
        .collect();
    assert_eq!(lanes[0], "main thread", "{lanes:?}");
    for (k, name) in lanes[1..].iter().enumerate() {
        assert_eq!(*name, format!("blocking {}", k + 1), "{lanes:?}");
    }
    thread_names_everywhere(&tl);
    let chart = chart_lines(&text::render(&tl, 80));
    let without_pool: Vec<&str> = chart
        .lines()
        .filter(|l| !l.trim_start().starts_with("blocking "))
        .collect();
    insta::assert_snapshot!(
        "lesson_12_spawn_blocking",
        without_pool.join("\n")
    );
}

#[test]
fn lesson_13_two_workers_are_named_as_configured() {
    let _alone = one_run_at_a_time();
    let (id, knobs) = lesson_runs("13")
        .into_iter()
        .find(|(_, k)| {
            k.iter().any(|(k, v)| k == "runtime" && v == "multi_thread")
        })
        .expect("the multi_thread run");
    let tl = timeline(&id, &knobs);
    assert_eq!(tl.header.workers, 2);
    // `main` waits for the four CPU tasks: mostly idle, never solid.
    assert_eq!(solid_idle_lane(&tl, 120), None);
    let thread_names = names::thread_names(&tl);
    let mut sorted = thread_names.clone();
    sorted.sort();
    insta::assert_snapshot!(
        "lesson_13_flavors_two_workers",
        format!("{}\nall threads: {sorted:?}", tl.header.knobs_line())
    );
    // The lanes the text and the TUI draw are those of the threads that polled, by the
    // same names (which ones polled depends on the machine: not in the snapshot).
    let polled = names::thread_lanes(&tl);
    assert!(polled.iter().all(|(i, n)| thread_names[*i] == *n));
    assert!(polled.iter().any(|(_, n)| n == "main thread"), "{polled:?}");
}
