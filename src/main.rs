//! The `asyncscope` command: parses the command line and hands each command to its home in
//! `cli/` (one file per command group); errors become exit codes here.

mod cli;

use clap::{CommandFactory, Parser, Subcommand};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

/// Watch a real tokio runtime work: run small async scenarios on a recorded runtime and see
/// every task's life as a timeline.
#[derive(Parser, Debug)]
#[command(name = "asyncscope", version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Open a saved trace (from --save-trace, or s in the TUI) in the TUI.
    #[arg(long, value_name = "FILE")]
    open: Option<PathBuf>,
    /// In the TUI: let a real `tokio-console` attach to the lesson runs.
    #[arg(long)]
    console: bool,
    /// Open the TUI playing a scenario live, e.g. `--play many-polls polls=200000`.
    #[arg(
        long,
        num_args = 1..,
        value_name = "SCENARIO [KNOB=VALUE]",
        conflicts_with = "open"
    )]
    play: Vec<String>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// List the scenarios and their knobs (default, range, meaning).
    List,
    /// Run a scenario on a recorded tokio runtime and print its timeline.
    Run(cli::scenario::RunArgs),
    /// Run your own asyncio program (python3) under a recorded event loop and print its
    /// timeline, e.g. `py main.py --virtual-time -- ARGS`.
    Py(cli::python::PyArgs),
    /// List the lessons in order.
    Lessons {
        /// Where the lessons are (default: ./lessons).
        #[arg(long, value_name = "DIR")]
        lessons: Option<PathBuf>,
    },
    /// Read a lesson in the terminal: its text, the code that runs, then its runs' timelines.
    Lesson(cli::lesson::LessonArgs),
    /// Which lessons you have read and which questions you answered right; `--reset` starts
    /// over (the old file is backed up first).
    Progress(cli::lesson::ProgressArgs),
    /// List the exercises, with your progress.
    Exercises,
    /// Build, run and grade an exercise from the trace of its run (exit code 0 only if passed).
    Check(cli::exercise::CheckArgs),
    /// Show an exercise's next hint (run again for a more explicit one).
    Hint(cli::exercise::HintArgs),
    /// Check the exercise you are on every time you save it; keys: n next, h hint, l list,
    /// r re-check, x reset, e edit, q quit.
    Watch {
        /// Do not watch the files (when watching fails): save, then press r to check.
        #[arg(long)]
        manual_run: bool,
    },
    /// Put an exercise back as it started (your version is backed up first).
    Reset {
        /// The exercise, e.g. `fetch_all`.
        name: String,
    },
    /// Make a folder of exercises to work in (default: ./async-exercises), from the files
    /// built into asyncscope; then `cd` there and run `asyncscope`.
    Init {
        /// The folder to make; it must not hold exercises already.
        dir: Option<std::path::PathBuf>,
        /// Build the exercises against this asyncscope-kit folder instead of crates.io.
        #[arg(long, value_name = "DIR")]
        kit: Option<std::path::PathBuf>,
    },
    /// Print a completion script for your shell, e.g.
    /// `asyncscope completions bash > ~/.local/share/bash-completion/completions/asyncscope`.
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
}

fn main() -> color_eyre::Result<ExitCode> {
    color_eyre::install()?;
    cli::quiet_task_panics();
    let cli = Cli::parse();
    match dispatch(cli) {
        // The reader went away (`asyncscope lesson 01 | head`): nothing more to say.
        Err(e)
            if e.downcast_ref::<std::io::Error>().is_some_and(|e| {
                e.kind() == std::io::ErrorKind::BrokenPipe
            }) =>
        {
            Ok(ExitCode::SUCCESS)
        }
        other => other,
    }
}

fn dispatch(cli: Cli) -> color_eyre::Result<ExitCode> {
    use cli::{exercise, lesson, scenario, tui};
    // Commands that only print: `… | head` ends them quietly, as it would `ls`.
    if matches!(
        cli.command,
        Some(
            Command::List
                | Command::Run(_)
                | Command::Py(_)
                | Command::Lessons { .. }
                | Command::Lesson(_)
                | Command::Progress(_)
                | Command::Exercises
                | Command::Check(_)
                | Command::Hint(_)
                | Command::Completions { .. }
        )
    ) {
        asyncscope::sandbox::restore_default_sigpipe();
    }
    match cli.command {
        None if cli.open.is_some() => {
            tui::open_trace(cli.open.unwrap_or_default(), cli.console)
        }
        None if !cli.play.is_empty() => tui::play(&cli.play, cli.console),
        None if std::io::stdout().is_terminal() => {
            tui::tui(cli.open, cli.console, None)
        }
        None => cli::print(&scenario::welcome()),
        Some(Command::List) => cli::print(&scenario::list(
            cli::terminal_width().unwrap_or(80) as usize,
        )),
        Some(Command::Run(args)) => scenario::run(args),
        Some(Command::Py(args)) => cli::python::run(args),
        Some(Command::Init { dir, kit }) => exercise::init(dir, kit),
        Some(Command::Lessons { lessons }) => lesson::list_lessons(lessons),
        Some(Command::Lesson(args)) => lesson::show_lesson(args),
        Some(Command::Progress(args)) => lesson::progress(args),
        Some(Command::Exercises) => exercise::list_exercises(),
        Some(Command::Check(args)) => exercise::check_exercises(args),
        Some(Command::Hint(args)) => exercise::show_hint(args),
        Some(Command::Reset { name }) => exercise::reset_exercise(&name),
        Some(Command::Watch { manual_run }) => {
            exercise::watch_exercises(manual_run)
        }
        Some(Command::Completions { shell }) => {
            let mut script = Vec::new();
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "asyncscope",
                &mut script,
            );
            cli::print(&String::from_utf8_lossy(&script))
        }
    }
}
