//! The terminal UI: `asyncscope`, `--open FILE`, `--play SCENARIO`.

use crate::cli::parse_setting;
use asyncscope::scenarios::{self, Knobs};
use asyncscope::trace::{Clock, jsonl};
use asyncscope::{exercise, lesson, lesson_progress};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

/// The TUI: lessons with their live timelines (no subcommand, on a terminal).
pub fn tui(
    open: Option<PathBuf>,
    console: bool,
    play: Option<(String, Vec<(String, String)>)>,
) -> color_eyre::Result<ExitCode> {
    use asyncscope::tui;
    let console = if console {
        if let Err(e) = asyncscope::console::address_free() {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(2));
        }
        asyncscope::console::install().map(|c| c.address)
    } else {
        None
    };
    // Outside a learner folder the exercises still list; checking one says where to go.
    let root = exercise::workspace_root().unwrap_or_else(|_| ".".into());
    let config = tui::Config {
        lessons_dir: lesson::default_dir(),
        // Lessons read and questions answered (tests point it elsewhere).
        progress_file: Some(lesson_progress::default_path()),
        root,
        // Recorded on the paused clock and played at real pace: exact and the same every
        // time (multi_thread runs cannot pause and stay on the real clock).
        clock: Clock::Paused,
        theme: tui::theme::Theme::from_env(),
        console,
        redact_wall: false,
        panic_key: std::env::var_os("ASYNCSCOPE_TUI_PANIC").is_some(),
    };
    let mut app = tui::App::new(config);
    if let Some((id, settings)) = play {
        app.play(&id, settings);
    }
    match tui::run(app, open)? {
        // Stopped by a signal, terminal restored: exit as the shell expects of a killed program.
        Some(signal) => Ok(ExitCode::from(128 + signal as u8)),
        None => Ok(ExitCode::SUCCESS),
    }
}

/// `--play SCENARIO [KNOB=VALUE]…`: the scenario and its knobs are checked before the screen
/// is taken, so a typo is a plain error on stderr.
pub fn play(
    args: &[String],
    console: bool,
) -> color_eyre::Result<ExitCode> {
    let (id, knobs) = args.split_first().expect("clap asks for one");
    let checked = scenarios::find(id)
        .ok_or_else(|| scenarios::unknown_scenario(id).to_string())
        .and_then(|sc| {
            let settings = knobs
                .iter()
                .map(|k| parse_setting(k))
                .collect::<Result<Vec<_>, _>>()?;
            Knobs::resolve(&sc, &settings)?;
            Ok(settings)
        });
    let settings = match checked {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("error: --play {id}: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    if !std::io::stdout().is_terminal() {
        eprintln!(
            "error: --play needs a terminal to play in; print the run's \
             timeline with `asyncscope run {id}`"
        );
        return Ok(ExitCode::from(2));
    }
    tui(None, console, Some((id.clone(), settings)))
}

/// `--open FILE`. The file is read before the screen is taken: a bad one is a plain error on
/// stderr, and without a terminal (a pipe, a script) the TUI is not started at all. Damage
/// past the header still opens what was read, and is repeated on stderr at exit (code 1).
pub fn open_trace(
    path: PathBuf,
    console: bool,
) -> color_eyre::Result<ExitCode> {
    let damage = match jsonl::load_lenient(&path) {
        Ok((_, damage)) => damage,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    if !std::io::stdout().is_terminal() {
        if let Some(d) = &damage {
            eprintln!("error: {d}");
        }
        eprintln!(
            "error: --open needs a terminal to show the trace in; print its \
             timeline with `asyncscope run --load {}`",
            path.display()
        );
        return Ok(ExitCode::from(if damage.is_some() { 1 } else { 2 }));
    }
    let code = tui(Some(path), console, None)?;
    match damage {
        Some(d) if code == ExitCode::SUCCESS => {
            eprintln!("error: {d}");
            Ok(ExitCode::from(1))
        }
        _ => Ok(code),
    }
}
