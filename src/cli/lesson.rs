//! `asyncscope lessons`, `lesson` (with `--quiz`) and `progress`.

use crate::cli::{self, terminal_width};
use asyncscope::quiz::{self, Response};
use asyncscope::scenarios::RunOptions;
use asyncscope::trace::Clock;
use asyncscope::{export, lesson, lesson_progress};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct LessonArgs {
    /// The lesson's id, e.g. `01` (see `asyncscope lessons`).
    pub id: String,
    /// Ask the lesson's prediction questions before its runs, then grade them.
    #[arg(long)]
    pub quiz: bool,
    /// Play the runs on the real clock (default: virtual time, instant and exact).
    #[arg(long)]
    pub real_time: bool,
    /// Also run each run's asyncio twin (the lesson's Python file, with python3 on PATH) and
    /// print its timeline under the tokio one.
    #[arg(long)]
    pub python: bool,
    /// Text width (default: the terminal's, or 80).
    #[arg(long, value_name = "N")]
    pub width: Option<u16>,
    /// Where the lessons are (default: ./lessons).
    #[arg(long, value_name = "DIR")]
    pub lessons: Option<PathBuf>,
}

/// Load the lessons, reporting broken files on stderr (the others still load).
pub fn load_lessons(dir: Option<PathBuf>) -> (Vec<lesson::Lesson>, bool) {
    let dir = dir.unwrap_or_else(lesson::default_dir);
    let (lessons, errors) = lesson::load_all(&dir);
    for e in &errors {
        eprintln!("error: {e}");
    }
    (lessons, errors.is_empty())
}

pub fn list_lessons(dir: Option<PathBuf>) -> color_eyre::Result<ExitCode> {
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

pub fn show_lesson(args: LessonArgs) -> color_eyre::Result<ExitCode> {
    let width = args.width.or_else(terminal_width).unwrap_or(80).max(40);
    if args.id == lesson::ASYNCIO_PAGE || args.id == "asyncio-to-tokio" {
        let dir = args.lessons.clone().unwrap_or_else(lesson::default_dir);
        return match lesson::asyncio_page(&dir) {
            Ok(page) => cli::print(&lesson::render_markdown(
                &page.body,
                width as usize,
            )),
            Err(e) => {
                eprintln!("error: {e}");
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

    let mut answers: Vec<Option<Response>> = vec![None; l.questions.len()];
    if args.quiz && !l.questions.is_empty() {
        writeln!(out, "\nBefore the run: predict.")?;
        let stdin = std::io::stdin();
        'questions: for (i, q) in l.questions.iter().enumerate() {
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
                    break 'questions;
                }
                match q.read(&line) {
                    Ok(response) => {
                        answers[i] = Some(response);
                        break;
                    }
                    Err(what) => writeln!(out, "    {what}")?,
                }
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
    // Found once: without a Python, one sentence says so and the tokio runs still show.
    let python = if args.python {
        match asyncscope::python::find_python(None) {
            Ok(p) => Some(p),
            Err(e) => {
                writeln!(out, "\nThe asyncio twins cannot run: {e}")?;
                None
            }
        }
    } else {
        None
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
        let (Some(python), Some(twin)) = (&python, l.asyncio_twin(i))
        else {
            continue;
        };
        let name = twin
            .script
            .file_name()
            .unwrap_or_default()
            .to_string_lossy();
        writeln!(
            out,
            "\n── run {} in asyncio: {name} {} ──\n",
            i + 1,
            twin.args.join(" ")
        )?;
        match lesson::run_asyncio(l, i, python, &base) {
            Ok(trace) => {
                let tl = asyncscope::timeline::Timeline::from_trace(&trace);
                write!(out, "{}", export::text::render(&tl, width))?;
            }
            Err(e) => writeln!(out, "error: {e}")?,
        }
    }

    if !l.questions.is_empty() {
        writeln!(out, "\nThe questions, answered by the runs:")?;
        let mut right = 0;
        for (i, q) in l.questions.iter().enumerate() {
            let run = timelines.get(q.run).and_then(Option::as_ref);
            let graded =
                quiz::grade_question(q, i, answers[i].as_ref(), run);
            for line in export::text::wrap(
                &format!("Q{}. {}", i + 1, q.ask),
                width as usize,
                4,
            ) {
                writeln!(out, "{line}")?;
            }
            right += usize::from(graded.correct);
            writeln!(out, "    {}", graded.sentence())?;
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

#[derive(Args, Debug)]
pub struct ProgressArgs {
    /// Forget what was read and answered (the old file is backed up first): every lesson,
    /// or only LESSON.
    #[arg(long)]
    pub reset: bool,
    /// A lesson's id, e.g. `06`: only its progress.
    pub lesson: Option<String>,
}

/// `asyncscope progress [--reset] [LESSON]`.
pub fn progress(args: ProgressArgs) -> color_eyre::Result<ExitCode> {
    let file = lesson_progress::default_path();
    let (lessons, _) = load_lessons(None);
    let id = match &args.lesson {
        None => None,
        Some(given) => match lessons
            .iter()
            .find(|l| l.id == *given || l.id == format!("{given:0>2}"))
        {
            Some(l) => Some(l.id.clone()),
            None => {
                let ids: Vec<&str> =
                    lessons.iter().map(|l| l.id.as_str()).collect();
                eprintln!(
                    "error: there is no lesson `{given}`; lessons: {}",
                    ids.join(", ")
                );
                return Ok(ExitCode::from(2));
            }
        },
    };
    if args.reset {
        let whose = id
            .as_ref()
            .map_or("every lesson".to_string(), |i| format!("lesson {i}"));
        return match lesson_progress::reset(&file, id.as_deref()) {
            Ok(lesson_progress::Reset::NothingToReset) => {
                cli::print(&format!(
                    "nothing to reset: no progress recorded for {whose}\n"
                ))
            }
            Ok(lesson_progress::Reset::Done { backup }) => {
                cli::print(&format!(
                    "progress of {whose} reset: its questions will be asked again \
                 (the old file is kept as {})\n",
                    backup.display()
                ))
            }
            Err(e) => {
                eprintln!("error: {e}");
                Ok(ExitCode::from(1))
            }
        };
    }
    let (progress, warning) = lesson_progress::load(&file);
    if let Some(w) = warning {
        eprintln!("warning: {w}");
    }
    let mut text = String::new();
    for l in lessons
        .iter()
        .filter(|l| id.as_ref().is_none_or(|i| *i == l.id))
    {
        let read = if progress.read.contains(&l.id) {
            "read"
        } else {
            "    "
        };
        let right = progress.answered.get(&l.id).map_or(0, |a| a.len());
        text += &format!(
            "{:>3}  {read}  {right} of {} questions right  {}\n",
            l.id,
            l.questions.len(),
            l.title
        );
    }
    text += "\nstart over: asyncscope progress --reset [LESSON]\n";
    cli::print(&text)
}
