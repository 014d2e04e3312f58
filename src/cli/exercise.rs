//! `asyncscope exercises`, `check`, `hint`, `watch` and `reset`.

use crate::cli;
use asyncscope::exercise::{self, info::ExerciseInfo, progress};
use asyncscope::export;
use clap::Args;
use serde::Serialize;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct CheckArgs {
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
pub enum CheckFormat {
    Text,
    Json,
}

pub fn exercise_infos() -> Result<Vec<ExerciseInfo>, ExitCode> {
    Ok(exercise::info::builtin())
}

/// The learner's folder, or the sentence that says there is none (exit 2).
pub fn learner_root() -> Result<PathBuf, ExitCode> {
    exercise::workspace_root().map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(2)
    })
}

pub fn find_exercise(
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

pub fn list_exercises() -> color_eyre::Result<ExitCode> {
    let infos = match exercise_infos() {
        Ok(i) => i,
        Err(code) => return Ok(code),
    };
    let root = match learner_root() {
        Ok(r) => r,
        Err(code) => return Ok(code),
    };
    let (progress, warning) = progress::load(&root);
    if let Some(w) = warning {
        eprintln!("warning: {w}");
    }
    for i in &infos {
        let mark = match progress.passed.get(&i.name) {
            Some(true) => "✓",
            Some(false) => "✗",
            None => "·",
        };
        let language = match i.language {
            exercise::info::Language::Rust => "",
            exercise::info::Language::Python => " · in Python",
        };
        println!(
            "{mark} {:<20} after lesson {}{language}",
            i.name, i.lesson
        );
    }
    println!(
        "\n✓ passed  ✗ tried, not yet  · not tried · check one: asyncscope check NAME"
    );
    Ok(ExitCode::SUCCESS)
}

pub fn check_exercises(args: CheckArgs) -> color_eyre::Result<ExitCode> {
    let infos = match exercise_infos() {
        Ok(i) => i,
        Err(code) => return Ok(code),
    };
    let root = match learner_root() {
        Ok(r) => r,
        Err(code) => return Ok(code),
    };
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
    let color = args.format == CheckFormat::Text
        && asyncscope::term::colour_for(std::io::stderr().is_terminal());
    let mut all_passed = true;
    let mut results = Vec::new();
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
        // Said on stderr as it happens: a wait for cargo's lock, the first build's length.
        let note = |n: &str| eprintln!("{n}");
        let checked = exercise::check_with(
            &root,
            &package,
            &bin,
            &info,
            color,
            exercise::runner::Watchers::with_note(&note),
        );
        all_passed &= checked.passed;
        if args.binary.is_none() {
            progress.passed.insert(name.clone(), checked.passed);
            progress.current = Some(name.clone());
        }
        if args.format == CheckFormat::Text {
            cli::print(&describe_check(&checked, &info))?;
        }
        results.push(checked);
    }
    if args.binary.is_none()
        && let Err(e) = progress::save(&root, &progress)
    {
        eprintln!("warning: could not save your progress: {e}");
    }
    if args.format == CheckFormat::Json {
        let reports: Vec<CheckReport> =
            results.iter().map(check_json).collect();
        let doc = match reports.as_slice() {
            [one] => serde_json::to_string_pretty(one)?,
            all => serde_json::to_string_pretty(all)?,
        };
        cli::print(&(doc + "\n"))?;
    }
    Ok(if all_passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

pub fn describe_check(
    c: &exercise::Checked,
    info: &ExerciseInfo,
) -> String {
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

/// What `check --format json` prints for one exercise.
#[derive(Serialize)]
pub struct CheckReport<'a> {
    exercise: &'a str,
    passed: bool,
    checks: Vec<CheckLine>,
}

#[derive(Serialize)]
struct CheckLine {
    id: String,
    passed: bool,
    message: String,
}

pub fn check_json(c: &exercise::Checked) -> CheckReport<'_> {
    let mut checks = Vec::new();
    if let Some(err) = &c.compile_error {
        checks.push(CheckLine {
            id: "compiles".into(),
            passed: false,
            message: err.clone(),
        });
    }
    if let Some(problem) = &c.run_problem {
        checks.push(CheckLine {
            id: "runs".into(),
            passed: false,
            message: format!("your program {problem}"),
        });
    }
    checks.extend(c.checks.iter().map(|r| CheckLine {
        id: r.id.to_string(),
        passed: r.passed,
        message: r.message.clone(),
    }));
    CheckReport {
        exercise: &c.name,
        passed: c.passed,
        checks,
    }
}

/// `asyncscope hint NAME`: the next hint each time, gentlest first.
#[derive(Args, Debug)]
pub struct HintArgs {
    /// The exercise, e.g. `fetch_all`.
    name: String,
    /// Show this hint (1 = gentlest) instead of the next one.
    #[arg(long, conflicts_with_all = ["all", "reset"])]
    level: Option<usize>,
    /// Show every hint (the last one is close to the answer).
    #[arg(long, conflicts_with = "reset")]
    all: bool,
    /// Start again from the first hint.
    #[arg(long)]
    reset: bool,
}

pub fn show_hint(args: HintArgs) -> color_eyre::Result<ExitCode> {
    let infos = match exercise_infos() {
        Ok(i) => i,
        Err(code) => return Ok(code),
    };
    let info = match find_exercise(&infos, &args.name) {
        Ok(i) => i,
        Err(code) => return Ok(code),
    };
    let total = info.hints.len();
    let root = match learner_root() {
        Ok(r) => r,
        Err(code) => return Ok(code),
    };
    let (mut progress, warning) = progress::load(&root);
    if let Some(w) = warning {
        eprintln!("warning: {w}");
    }
    let seen = progress.hints_seen.get(&info.name).copied().unwrap_or(0);
    let mut text =
        format!("{}: {}\n\n", info.name, info.instructions.trim());
    let (shown, next_seen): (Vec<usize>, usize) = match args.level {
        Some(n) if (1..=total).contains(&n) => (vec![n], seen.max(n)),
        Some(n) => {
            eprintln!(
                "error: {} has hints 1 to {total}, not {n}",
                info.name
            );
            return Ok(ExitCode::from(2));
        }
        None if args.all => ((1..=total).collect(), total),
        None if args.reset => (Vec::new(), 0),
        // The next one; after the last, the last again.
        None => {
            let n = (seen + 1).min(total);
            ((n > 0).then_some(n).into_iter().collect(), n)
        }
    };
    for &n in &shown {
        let hint = format!("hint {n} of {total}: {}", info.hints[n - 1]);
        for line in export::text::wrap(&hint, 78, 4) {
            text += &line;
            text.push('\n');
        }
    }
    text += &if args.reset {
        format!("hints of {} start again from the first\n", info.name)
    } else if next_seen < total {
        format!(
            "\nrun it again for hint {} (more explicit); --all lists them all\n",
            next_seen + 1
        )
    } else {
        "\nthat is the last hint; --reset starts again from the first\n"
            .to_string()
    };
    progress.hints_seen.insert(info.name.clone(), next_seen);
    if let Err(e) = progress::save(&root, &progress) {
        eprintln!("warning: could not save which hints you have seen: {e}");
    }
    cli::print(&text)
}

pub fn watch_exercises(manual_run: bool) -> color_eyre::Result<ExitCode> {
    let infos = match exercise_infos() {
        Ok(i) => i,
        Err(code) => return Ok(code),
    };
    let options = exercise::watch::Options { manual_run };
    let root = match learner_root() {
        Ok(r) => r,
        Err(code) => return Ok(code),
    };
    exercise::watch::run(&root, &infos, &options)?;
    Ok(ExitCode::SUCCESS)
}

pub fn reset_exercise(name: &str) -> color_eyre::Result<ExitCode> {
    let infos = match exercise_infos() {
        Ok(i) => i,
        Err(code) => return Ok(code),
    };
    let info = match find_exercise(&infos, name) {
        Ok(i) => i,
        Err(code) => return Ok(code),
    };
    let root = match learner_root() {
        Ok(r) => r,
        Err(code) => return Ok(code),
    };
    let target = exercise::learner_file(&root, &info);
    let done = match exercise::reset(&root, &info) {
        Ok(done) => done,
        Err(e) => {
            eprintln!("error: could not reset {}: {e}", info.name);
            return Ok(ExitCode::from(1));
        }
    };
    match done {
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

/// `asyncscope init [DIR]`.
pub fn init(
    dir: Option<PathBuf>,
    kit: Option<PathBuf>,
) -> color_eyre::Result<ExitCode> {
    use exercise::learner_crate::{self, KitSource};
    let dir = dir.unwrap_or_else(|| PathBuf::from("async-exercises"));
    let kit = match kit {
        // Absolute: the learner folder's manifest is read from another folder.
        Some(path) => match std::path::absolute(&path) {
            Ok(p) if p.join("Cargo.toml").is_file() => KitSource::Path(p),
            _ => {
                eprintln!(
                    "error: {} is not a crate folder (no Cargo.toml in it)",
                    path.display()
                );
                return Ok(ExitCode::from(2));
            }
        },
        None => KitSource::for_this_binary(),
    };
    match learner_crate::init(&dir, &kit) {
        Ok(done) => {
            let from = match &kit {
                KitSource::Version(v) => {
                    format!("asyncscope-kit {v} from crates.io")
                }
                KitSource::Path(p) => format!("the kit in {}", p.display()),
            };
            println!(
                "Wrote {} exercises to {} (they build against {from}).\n\
                 Next: cd {} && asyncscope",
                done.exercises,
                done.dir.join("exercises").display(),
                done.dir.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("error: could not make {}: {e}", dir.display());
            Ok(ExitCode::from(1))
        }
    }
}
