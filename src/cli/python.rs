//! `asyncscope py`: a learner's own asyncio program, recorded and exported like a scenario run.

use crate::cli::scenario::{ExportArgs, export_timeline};
use asyncscope::python::{self, Options};
use asyncscope::timeline::Timeline;
use asyncscope::trace::jsonl;
use clap::Args;
use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

#[derive(Args, Debug)]
pub struct PyArgs {
    /// The asyncio program to run, e.g. `breakfast.py`.
    file: PathBuf,
    /// Arguments for the program, after `--`.
    #[arg(last = true, value_name = "ARGS")]
    args: Vec<OsString>,
    /// The Python interpreter (3.9 or newer; default: python3 on PATH).
    #[arg(long, value_name = "PATH")]
    python: Option<PathBuf>,
    /// Run on a virtual clock that jumps to the next timer: finishes at once, with exact times.
    #[arg(long)]
    virtual_time: bool,
    /// How many ms one time unit `u` lasts (the program reads it as `asyncscope.UNIT`).
    #[arg(long, value_name = "N", default_value_t = 1000.0)]
    unit_ms: f64,
    /// Stop the program after this many seconds (on the virtual clock: of real time, or of
    /// the program's own time).
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
    time_limit: f64,
    #[command(flatten)]
    export: ExportArgs,
}

pub fn run(args: PyArgs) -> color_eyre::Result<ExitCode> {
    let usage = |msg: String| {
        eprintln!("error: {msg}");
        Ok(ExitCode::from(2))
    };
    if !(args.unit_ms.is_finite() && args.unit_ms > 0.0) {
        return usage(
            "--unit-ms must be a positive number of milliseconds".into(),
        );
    }
    if !(args.time_limit.is_finite()
        && args.time_limit > 0.0
        && args.time_limit <= 86_400.0)
    {
        return usage(
            "--time-limit must be a number of seconds between 0 and 86400"
                .into(),
        );
    }
    if !args.file.is_file() {
        return usage(format!(
            "{} is not a file: name the Python program to run, e.g. `asyncscope py main.py`",
            args.file.display()
        ));
    }
    let interpreter = match python::find_python(args.python.as_deref()) {
        Ok(i) => i,
        Err(e) => return usage(e.to_string()),
    };
    let options = Options {
        virtual_time: args.virtual_time,
        unit_ms: args.unit_ms,
        time_limit: Duration::from_secs_f64(args.time_limit),
        args: args.args.clone(),
    };
    let name = args.file.display().to_string();
    if !args.virtual_time {
        eprintln!(
            "running {} with Python {} on the real clock… (--virtual-time finishes at once)",
            asyncscope::exercise::runner::visible(&name, false),
            interpreter.full_version
        );
    }
    // The program's output goes to standard error, so an export on standard output stays whole.
    let output: Arc<dyn Fn(&str) + Send + Sync> = Arc::new(|line: &str| {
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(line.as_bytes());
        if !line.ends_with('\n') {
            let _ = err.write_all(b"\n");
        }
    });
    let run = python::run(&interpreter, &args.file, &options, output);
    let mut code: u8 = if run.succeeded() { 0 } else { 1 };
    for sentence in run.sentences(&name, args.virtual_time) {
        eprintln!(
            "{}: {sentence}",
            if code == 0 { "note" } else { "error" }
        );
    }
    let Some(trace) = run.trace else {
        return Ok(ExitCode::from(code));
    };
    if let Some(path) = &args.export.save_trace
        && let Err(e) = jsonl::save(&trace, path)
    {
        eprintln!("error: could not save the trace: {e}");
        code = 1;
    }
    if trace.tasks.is_empty() {
        return Ok(ExitCode::from(code));
    }
    let timeline = Timeline::from_trace(&trace);
    code = code.max(export_timeline(&timeline, &args.export));
    Ok(ExitCode::from(code))
}
