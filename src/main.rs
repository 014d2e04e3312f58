//! The `asyncscope` command: list scenarios, run one on a recorded tokio runtime, print its
//! timeline (text, JSON or Chrome trace), save or reload the trace.

use asyncscope::exercise::{self, info::ExerciseInfo, progress};
use asyncscope::export::{self, Format};
use asyncscope::lesson;
use asyncscope::scenarios::{self, Flavor, Knobs, RunOptions};
use asyncscope::timeline::Timeline;
use asyncscope::trace::{Clock, jsonl, recorder};
use clap::{Args, Parser, Subcommand};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
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
    Run(RunArgs),
    /// List the lessons in order.
    Lessons {
        /// Where the lessons are (default: ./lessons).
        #[arg(long, value_name = "DIR")]
        lessons: Option<PathBuf>,
    },
    /// Read a lesson in the terminal: its text, the code that runs, then its runs' timelines.
    Lesson(LessonArgs),
    /// List the exercises, with your progress.
    Exercises,
    /// Build, run and grade an exercise from the trace of its run (exit code 0 only if passed).
    Check(CheckArgs),
    /// Show an exercise's next hint (run again for a more explicit one).
    Hint {
        /// The exercise, e.g. `fetch_all`.
        name: String,
        /// Which hint (1 = gentlest); default: all of them.
        #[arg(long)]
        level: Option<usize>,
    },
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
}

#[derive(Args, Debug)]
struct CheckArgs {
    /// The exercise to check (default: the one you are on).
    name: Option<String>,
    /// Check every exercise.
    #[arg(long, conflicts_with = "name")]
    all: bool,
    /// What to print.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    format: CheckFormat,
    /// Grade another package's binary (used to verify solutions): PACKAGE:BIN.
    #[arg(long, hide = true, value_name = "PACKAGE:BIN")]
    binary: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum CheckFormat {
    Text,
    Json,
}

#[derive(Args, Debug)]
struct LessonArgs {
    /// The lesson's id, e.g. `01` (see `asyncscope lessons`).
    id: String,
    /// Ask the lesson's prediction questions before its runs, then grade them.
    #[arg(long)]
    quiz: bool,
    /// Play the runs on the real clock (default: virtual time, instant and exact).
    #[arg(long)]
    real_time: bool,
    /// Text width (default: the terminal's, or 80).
    #[arg(long, value_name = "N")]
    width: Option<u16>,
    /// Where the lessons are (default: ./lessons).
    #[arg(long, value_name = "DIR")]
    lessons: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct RunArgs {
    /// The scenario to run (see `asyncscope list`).
    #[arg(required_unless_present = "load")]
    scenario: Option<String>,
    /// Set a knob, e.g. `--set mode=sequential` (repeatable).
    #[arg(long = "set", value_name = "KNOB=VALUE", value_parser = parse_setting)]
    set: Vec<(String, String)>,
    /// Run on tokio's paused clock: finishes at once, with exact times.
    #[arg(long)]
    virtual_time: bool,
    /// How many ms of runtime clock one time unit `u` lasts.
    #[arg(long, value_name = "N", default_value_t = 1000.0)]
    unit_ms: f64,
    /// What to print.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Write the export to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Width of the text timeline, at least 40 (default: the terminal's, or 80).
    #[arg(long, value_name = "N")]
    width: Option<u16>,
    /// Also save the recorded trace (JSON lines) to FILE.
    #[arg(long, value_name = "FILE")]
    save_trace: Option<PathBuf>,
    /// Let a real `tokio-console` attach while the scenario runs.
    #[arg(long)]
    console: bool,
    /// Print a saved trace (from --save-trace) instead of running a scenario.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["scenario", "set", "virtual_time", "unit_ms", "console", "save_trace"])]
    load: Option<PathBuf>,
}

fn parse_setting(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => {
            Ok((k.trim().to_string(), v.trim().to_string()))
        }
        _ => Err(format!("`{s}` should look like knob=value")),
    }
}

fn main() -> color_eyre::Result<ExitCode> {
    color_eyre::install()?;
    quiet_task_panics();
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
    match cli.command {
        None if cli.open.is_some() => {
            open_trace(cli.open.unwrap_or_default(), cli.console)
        }
        None if !cli.play.is_empty() => play(&cli.play, cli.console),
        None if std::io::stdout().is_terminal() => {
            tui(cli.open, cli.console, None)
        }
        None => {
            print!("{}", welcome());
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::List) => {
            print!("{}", list(terminal_width().unwrap_or(80) as usize));
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Run(args)) => run(args),
        Some(Command::Lessons { lessons }) => list_lessons(lessons),
        Some(Command::Lesson(args)) => show_lesson(args),
        Some(Command::Exercises) => list_exercises(),
        Some(Command::Check(args)) => check_exercises(args),
        Some(Command::Hint { name, level }) => show_hint(&name, level),
        Some(Command::Reset { name }) => reset_exercise(&name),
        Some(Command::Watch { manual_run }) => watch_exercises(manual_run),
    }
}

/// The TUI: lessons with their live timelines (no subcommand, on a terminal).
fn tui(
    open: Option<PathBuf>,
    console: bool,
    play: Option<(String, Vec<(String, String)>)>,
) -> color_eyre::Result<ExitCode> {
    use asyncscope::tui;
    let console = if console {
        recorder::install(true).map(|c| c.address)
    } else {
        None
    };
    let root = exercise::workspace_root();
    let config = tui::Config {
        lessons_dir: lesson::default_dir(),
        // Lessons read and questions answered (tests point it elsewhere).
        progress_file: Some(
            std::env::var_os("ASYNCSCOPE_LESSON_PROGRESS").map_or_else(
                || root.join("exercises").join(".lessons.json"),
                PathBuf::from,
            ),
        ),
        root,
        clock: Clock::Real,
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
fn play(args: &[String], console: bool) -> color_eyre::Result<ExitCode> {
    let (id, knobs) = args.split_first().expect("clap asks for one");
    let checked = scenarios::find(id)
        .ok_or_else(|| {
            scenarios::RunError::UnknownScenario(id.clone()).to_string()
        })
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
fn open_trace(
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

fn exercise_infos() -> Result<Vec<ExerciseInfo>, ExitCode> {
    let root = exercise::workspace_root();
    exercise::info::load(&root.join("exercises").join("info.toml")).map_err(
        |e| {
            eprintln!("error: {e}");
            ExitCode::from(1)
        },
    )
}

fn find_exercise(
    infos: &[ExerciseInfo],
    name: &str,
) -> Result<ExerciseInfo, ExitCode> {
    infos
        .iter()
        .find(|i| i.name == name)
        .cloned()
        .ok_or_else(|| {
            let names: Vec<&str> =
                infos.iter().map(|i| i.name.as_str()).collect();
            eprintln!(
                "error: there is no exercise `{name}`; exercises: {}",
                names.join(", ")
            );
            ExitCode::from(2)
        })
}

fn list_exercises() -> color_eyre::Result<ExitCode> {
    let infos = match exercise_infos() {
        Ok(i) => i,
        Err(code) => return Ok(code),
    };
    let (progress, warning) = progress::load(&exercise::workspace_root());
    if let Some(w) = warning {
        eprintln!("warning: {w}");
    }
    for i in &infos {
        let mark = match progress.passed.get(&i.name) {
            Some(true) => "✓",
            Some(false) => "✗",
            None => "·",
        };
        println!("{mark} {:<20} after lesson {}", i.name, i.lesson);
    }
    println!(
        "\n✓ passed  ✗ tried, not yet  · not tried · check one: asyncscope check NAME"
    );
    Ok(ExitCode::SUCCESS)
}

fn check_exercises(args: CheckArgs) -> color_eyre::Result<ExitCode> {
    let infos = match exercise_infos() {
        Ok(i) => i,
        Err(code) => return Ok(code),
    };
    let root = exercise::workspace_root();
    let (mut progress, warning) = progress::load(&root);
    if let Some(w) = warning {
        eprintln!("warning: {w}");
    }
    let names: Vec<String> = if args.all {
        infos.iter().map(|i| i.name.clone()).collect()
    } else if let Some(n) = args.name.clone() {
        vec![n]
    } else {
        let current = progress
            .current
            .clone()
            .filter(|c| infos.iter().any(|i| &i.name == c))
            .or_else(|| {
                infos
                    .iter()
                    .find(|i| progress.passed.get(&i.name) != Some(&true))
                    .map(|i| i.name.clone())
            });
        match current {
            Some(c) => vec![c],
            None => {
                println!("every exercise has passed: well done");
                return Ok(ExitCode::SUCCESS);
            }
        }
    };
    let color =
        args.format == CheckFormat::Text && std::io::stderr().is_terminal();
    let mut all_passed = true;
    let mut reports = Vec::new();
    for name in &names {
        let info = match find_exercise(&infos, name) {
            Ok(i) => i,
            Err(code) => return Ok(code),
        };
        let (package, bin) = match &args.binary {
            Some(spec) => match spec.split_once(':') {
                Some((p, b)) => (p.to_string(), b.to_string()),
                None => (spec.clone(), name.clone()),
            },
            None => (exercise::EXERCISES_PACKAGE.to_string(), name.clone()),
        };
        let checked = exercise::check(&root, &package, &bin, &info, color);
        all_passed &= checked.passed;
        if args.binary.is_none() {
            progress.passed.insert(name.clone(), checked.passed);
            progress.current = Some(name.clone());
        }
        match args.format {
            CheckFormat::Text => {
                print!("{}", describe_check(&checked, &info))
            }
            CheckFormat::Json => reports.push(check_json(&checked)),
        }
    }
    if args.binary.is_none()
        && let Err(e) = progress::save(&root, &progress)
    {
        eprintln!("warning: could not save your progress: {e}");
    }
    if args.format == CheckFormat::Json {
        let doc = if reports.len() == 1 {
            reports.remove(0)
        } else {
            serde_json::Value::Array(reports)
        };
        println!("{}", serde_json::to_string_pretty(&doc)?);
    }
    Ok(if all_passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn describe_check(c: &exercise::Checked, info: &ExerciseInfo) -> String {
    let mut s = exercise::describe(c, 80);
    if !c.passed && c.compile_error.is_none() {
        s += &format!(
            "\nstuck? asyncscope hint {} ({} hints, gentle to explicit)\n",
            info.name,
            info.hints.len()
        );
    }
    s
}

fn check_json(c: &exercise::Checked) -> serde_json::Value {
    let mut checks: Vec<serde_json::Value> = Vec::new();
    if let Some(err) = &c.compile_error {
        checks.push(serde_json::json!({"id": "compiles", "passed": false, "message": err}));
    }
    if let Some(problem) = &c.run_problem {
        checks.push(serde_json::json!({"id": "runs", "passed": false, "message": format!("your program {problem}")}));
    }
    for r in &c.checks {
        checks.push(serde_json::json!({"id": r.id, "passed": r.passed, "message": r.message}));
    }
    serde_json::json!({"exercise": c.name, "passed": c.passed, "checks": checks})
}

fn show_hint(
    name: &str,
    level: Option<usize>,
) -> color_eyre::Result<ExitCode> {
    let infos = match exercise_infos() {
        Ok(i) => i,
        Err(code) => return Ok(code),
    };
    let info = match find_exercise(&infos, name) {
        Ok(i) => i,
        Err(code) => return Ok(code),
    };
    println!("{}: {}\n", info.name, info.instructions.trim());
    let shown: Vec<(usize, &String)> = match level {
        Some(n) if (1..=info.hints.len()).contains(&n) => {
            vec![(n, &info.hints[n - 1])]
        }
        Some(n) => {
            eprintln!(
                "error: {} has hints 1 to {}, not {n}",
                info.name,
                info.hints.len()
            );
            return Ok(ExitCode::from(2));
        }
        None => info
            .hints
            .iter()
            .enumerate()
            .map(|(i, h)| (i + 1, h))
            .collect(),
    };
    for (n, hint) in shown {
        for line in export::text::wrap(&format!("hint {n}: {hint}"), 78, 4)
        {
            println!("{line}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn watch_exercises(manual_run: bool) -> color_eyre::Result<ExitCode> {
    let infos = match exercise_infos() {
        Ok(i) => i,
        Err(code) => return Ok(code),
    };
    let options = exercise::watch::Options { manual_run };
    exercise::watch::run(&exercise::workspace_root(), &infos, &options)?;
    Ok(ExitCode::SUCCESS)
}

fn reset_exercise(name: &str) -> color_eyre::Result<ExitCode> {
    let infos = match exercise_infos() {
        Ok(i) => i,
        Err(code) => return Ok(code),
    };
    let info = match find_exercise(&infos, name) {
        Ok(i) => i,
        Err(code) => return Ok(code),
    };
    let root = exercise::workspace_root();
    let target = exercise::learner_file(&root, &info);
    match exercise::reset(&root, &info)? {
        exercise::Reset::AlreadyPristine => {
            println!("{} is already as it started", target.display())
        }
        exercise::Reset::Restored {
            backup: Some(backup),
        } => println!(
            "{} is back as it started; your version is in {}",
            target.display(),
            backup.display()
        ),
        exercise::Reset::Restored { backup: None } => {
            println!("{} is back as it started", target.display())
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Load the lessons, reporting broken files on stderr (the others still load).
fn load_lessons(dir: Option<PathBuf>) -> (Vec<lesson::Lesson>, bool) {
    let dir = dir.unwrap_or_else(lesson::default_dir);
    let (lessons, errors) = lesson::load_all(&dir);
    for e in &errors {
        eprintln!("error: {e}");
    }
    (lessons, errors.is_empty())
}

fn list_lessons(dir: Option<PathBuf>) -> color_eyre::Result<ExitCode> {
    let (lessons, clean) = load_lessons(dir);
    for l in &lessons {
        let exercises = if l.exercises.is_empty() {
            String::new()
        } else {
            format!("  (exercise: {})", l.exercises.join(", "))
        };
        println!("{:>3}  {}{exercises}", l.id, l.title);
    }
    if lessons.is_empty() {
        eprintln!("no lessons found");
    }
    println!(
        "asyncio  asyncio ↔ tokio, side by side (asyncscope lesson asyncio)"
    );
    Ok(if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn show_lesson(args: LessonArgs) -> color_eyre::Result<ExitCode> {
    let width = args.width.or_else(terminal_width).unwrap_or(80).max(40);
    if args.id == "asyncio" || args.id == "asyncio-to-tokio" {
        let dir = args.lessons.clone().unwrap_or_else(lesson::default_dir);
        let path = dir.join("asyncio-to-tokio.md");
        return match std::fs::read_to_string(&path) {
            Ok(text) => {
                print!(
                    "{}",
                    lesson::render_markdown(&text, width as usize)
                );
                Ok(ExitCode::SUCCESS)
            }
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", path.display());
                Ok(ExitCode::from(1))
            }
        };
    }
    let (lessons, _) = load_lessons(args.lessons);
    let Some(l) = lessons
        .iter()
        .find(|l| l.id == args.id || l.id == format!("{:0>2}", args.id))
    else {
        let ids: Vec<&str> =
            lessons.iter().map(|l| l.id.as_str()).collect();
        eprintln!(
            "error: there is no lesson `{}`; lessons: {}",
            args.id,
            ids.join(", ")
        );
        return Ok(ExitCode::from(2));
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "Lesson {} · {}\n", l.id, l.title)?;
    write!(out, "{}", lesson::render_markdown(&l.body, width as usize))?;
    out.flush()?;

    let mut answers: Vec<Option<String>> = vec![None; l.questions.len()];
    if args.quiz && !l.questions.is_empty() {
        writeln!(out, "\nBefore the run: predict.")?;
        let stdin = std::io::stdin();
        for (i, q) in l.questions.iter().enumerate() {
            writeln!(out)?;
            for line in export::text::wrap(
                &format!("Q{}. {}", i + 1, q.ask),
                width as usize,
                4,
            ) {
                writeln!(out, "{line}")?;
            }
            for (n, c) in q.choices.iter().enumerate() {
                writeln!(out, "   {}) {c}", n + 1)?;
            }
            let prompt = if q.choices.is_empty() {
                format!(
                    "your answer{}: ",
                    if q.unit.is_empty() {
                        String::new()
                    } else {
                        format!(" (in {})", q.unit)
                    }
                )
            } else {
                "your choice (number): ".to_string()
            };
            // Asked again until it is an answer; the end of input leaves the rest unanswered.
            loop {
                write!(out, "{prompt}")?;
                out.flush()?;
                let mut line = String::new();
                if stdin.read_line(&mut line)? == 0 {
                    writeln!(
                        out,
                        "\n(no more input: the rest go unanswered)"
                    )?;
                    break;
                }
                match q.understands(&line) {
                    Ok(()) => {
                        answers[i] = Some(line.trim().to_string());
                        break;
                    }
                    Err(what) => writeln!(out, "    {what}")?,
                }
            }
            if answers[i].is_none() {
                break;
            }
        }
    }

    let base = RunOptions {
        clock: if args.real_time {
            Clock::Real
        } else {
            Clock::Paused
        },
        ..RunOptions::default()
    };
    let mut timelines = Vec::new();
    for (i, spec) in l.runs.iter().enumerate() {
        writeln!(out, "\n── run {}: {} ──\n", i + 1, spec.describe())?;
        match lesson::run(l, i, &base) {
            Ok(tl) => {
                write!(out, "{}", export::text::render(&tl, width))?;
                timelines.push(Some(tl));
            }
            Err(e) => {
                writeln!(out, "error: {e}")?;
                timelines.push(None);
            }
        }
    }

    if !l.questions.is_empty() {
        writeln!(out, "\nThe questions, answered by the runs:")?;
        let mut right = 0;
        for (i, q) in l.questions.iter().enumerate() {
            let actual = timelines
                .get(q.run)
                .and_then(Option::as_ref)
                .and_then(|tl| q.query().evaluate(tl));
            let Some(actual) = actual else {
                writeln!(
                    out,
                    "Q{}. the run did not give an answer",
                    i + 1
                )?;
                continue;
            };
            let verdict =
                q.grade(answers[i].as_deref().unwrap_or(""), &actual);
            let mark = match &answers[i] {
                Some(given) if verdict.correct => {
                    right += 1;
                    format!("✓ right (you: {given})")
                }
                Some(given) => format!("✗ not quite (you: {given})"),
                None => "→ the answer".to_string(),
            };
            for line in export::text::wrap(
                &format!("Q{}. {}", i + 1, q.ask),
                width as usize,
                4,
            ) {
                writeln!(out, "{line}")?;
            }
            writeln!(out, "    {mark}: {}", verdict.expected)?;
            if !q.explain.is_empty() {
                let wrapped =
                    export::text::wrap(&q.explain, width as usize - 4, 0);
                for line in wrapped {
                    writeln!(out, "    {line}")?;
                }
            }
        }
        if args.quiz {
            writeln!(out, "\n{right} of {} right.", l.questions.len())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A panic inside a scenario's task is part of the lesson (tokio catches it and the timeline
/// shows it): one line on stderr, not a crash report. Other panics keep color-eyre's report.
fn quiet_task_panics() {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if let Some(id) = tokio::task::try_id() {
            let what = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| {
                    info.payload().downcast_ref::<String>().cloned()
                })
                .unwrap_or_else(|| "a panic".to_string());
            let at = info
                .location()
                .map(|l| format!(" at {}:{}", l.file(), l.line()))
                .unwrap_or_default();
            eprintln!("task {id} panicked{at}: {what}");
        } else {
            report(info);
        }
    }));
}

fn welcome() -> String {
    let mut s = String::from(
        "asyncscope runs small async programs on a real tokio runtime, records every spawn,\n\
         poll, wake and cancellation, and draws each task's life as a timeline.\n\nScenarios:\n",
    );
    // Ids only, wrapped: the list grows with the lessons and must fit one screen.
    let ids: Vec<&str> =
        scenarios::registry().iter().map(|sc| sc.id).collect();
    s += &export::text::wrap(&format!("  {}", ids.join(", ")), 78, 2)
        .join("\n");
    s += "\n\ntry: asyncscope run breakfast\n\
          \x20    asyncscope run breakfast --set mode=sequential --virtual-time\n\
          \x20    asyncscope list          (every scenario's knobs)\n\
          \x20    asyncscope run --help    (formats: text, json, chrome)\n";
    s
}

fn list(width: usize) -> String {
    let mut s = String::new();
    for (i, sc) in scenarios::registry().iter().enumerate() {
        if i > 0 {
            s.push('\n');
        }
        s += &format!("{} — {}\n", sc.id, sc.title);
        if sc.knobs.is_empty() {
            s += "    (no knobs)\n";
        }
        // One line per knob (setting and range), its help wrapped under it.
        for k in &sc.knobs {
            s += &format!(
                "    {}={}  ({})\n",
                k.name,
                k.default,
                k.range_text()
            );
            for line in export::text::wrap(
                k.help,
                width.saturating_sub(8).max(20),
                0,
            ) {
                s += &format!("        {line}\n");
            }
        }
    }
    s += "\nchange a knob: asyncscope run <scenario> --set knob=value (defaults shown)\n";
    s
}

fn run(args: RunArgs) -> color_eyre::Result<ExitCode> {
    let (timeline, mut code) = if let Some(path) = &args.load {
        match load(path) {
            Some(loaded) => loaded,
            None => return Ok(ExitCode::from(1)),
        }
    } else {
        let id = args.scenario.clone().unwrap_or_default();
        match record(&id, &args) {
            Ok(loaded) => loaded,
            Err(code) => return Ok(code),
        }
    };

    let width = args.width.unwrap_or_else(|| match &args.out {
        None => terminal_width().unwrap_or(80),
        Some(_) => 80,
    });
    let text = export::render(&timeline, args.format, width);
    match &args.out {
        Some(path) => {
            if let Err(e) = write_atomically(path, text.as_bytes()) {
                eprintln!("error: could not write {}: {e}", path.display());
                code = 1;
            }
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth a report.
            let _ = stdout
                .write_all(text.as_bytes())
                .and_then(|_| stdout.flush());
        }
    }
    Ok(ExitCode::from(code))
}

/// Runs the scenario; the timeline and the exit code so far, or the exit code of a failure.
fn record(id: &str, args: &RunArgs) -> Result<(Timeline, u8), ExitCode> {
    let mut options = if args.virtual_time {
        RunOptions::virtual_time()
    } else {
        RunOptions::default()
    };
    options.unit_ms = args.unit_ms;
    options.knobs = args.set.clone();

    // Check what can be checked before saying anything about the run.
    let clock = match scenarios::find(id) {
        None => {
            return Err(usage_error(scenarios::RunError::UnknownScenario(
                id.into(),
            )));
        }
        Some(sc) => match Knobs::resolve(&sc, &options.knobs) {
            Err(msg) => {
                return Err(usage_error(scenarios::RunError::BadKnob(msg)));
            }
            Ok(knobs) => match (sc.flavor)(&knobs) {
                Flavor::MultiThread { .. } => Clock::Real,
                Flavor::CurrentThread => options.clock,
            },
        },
    };

    if args.console {
        match recorder::install(true) {
            Some(info) => eprintln!(
                "tokio-console can attach: tokio-console http://{}",
                info.address
            ),
            None => eprintln!(
                "note: tokio-console support could not be installed"
            ),
        }
    }
    let unit_ok = options.unit_ms.is_finite() && options.unit_ms > 0.0;
    if clock == Clock::Real && unit_ok {
        eprintln!(
            "running {id} on the real clock (1u = {} ms)… (--virtual-time finishes at once)",
            options.unit_ms
        );
    }

    let trace = scenarios::run(id, &options).map_err(usage_error)?;
    let mut code = 0;
    if let Some(path) = &args.save_trace
        && let Err(e) = jsonl::save(&trace, path)
    {
        eprintln!("error: could not save the trace: {e}");
        code = 1;
    }
    Ok((Timeline::from_trace(&trace), code))
}

/// The terminal's width, when standard output is one.
fn terminal_width() -> Option<u16> {
    if !std::io::stdout().is_terminal() {
        return None;
    }
    crossterm::terminal::size()
        .ok()
        .map(|(w, _)| w)
        .filter(|w| *w > 0)
}

fn usage_error(e: scenarios::RunError) -> ExitCode {
    eprintln!("error: {e}");
    ExitCode::from(2)
}

/// Reads a saved trace. A damaged file still gives what was read before the damage (exit code
/// 1); a file that is not a trace at all gives `None`.
fn load(path: &Path) -> Option<(Timeline, u8)> {
    match jsonl::load_lenient(path) {
        Ok((trace, None)) => Some((Timeline::from_trace(&trace), 0)),
        Ok((trace, Some(damage))) => {
            eprintln!("error: {damage}");
            eprintln!(
                "showing the {} events read before the damage",
                trace.events.len()
            );
            Some((Timeline::from_trace(&trace), 1))
        }
        Err(e) => {
            eprintln!("error: {e}");
            None
        }
    }
}

/// Writes `bytes` to a temporary file beside `path`, then renames it over `path`.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path.file_name().map_or_else(
        || "asyncscope-export".into(),
        |n| n.to_string_lossy().into_owned(),
    );
    let tmp =
        path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
