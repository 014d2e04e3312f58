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
use asyncscope::view::{Cell, Window, names};
use std::path::Path;

const WIDTHS: [u16; 5] = [40, 73, 120, 211, 400];

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
            let knobs = r
                .knobs
                .iter()
                .map(|(k, v)| {
                    let v = match v {
                        toml::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    (k.clone(), v)
                })
                .collect();
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
    let runs = runs();
    assert!(runs.len() > 40, "{} runs", runs.len());
    let mut checked_busy = 0;
    for (id, knobs) in &runs {
        let tl = timeline(id, knobs);
        check(id, knobs, &tl);
        let w = text::chart_window(&tl, 120);
        let mut cells = Vec::new();
        for t in names::task_lanes(&tl) {
            asyncscope::view::cells::task_cells(t, &w, &mut cells);
            checked_busy += cells.iter().filter(|c| c.is_busy()).count();
        }
    }
    // Real-clock runs (CPU work, several threads) draw full blocks: the check above had some
    // to count.
    assert!(checked_busy > 0);
}
