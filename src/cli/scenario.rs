//! `asyncscope list` and `run`: the scenarios, run on a recorded runtime and exported.

use crate::cli::{parse_setting, terminal_width, usage_error};
use asyncscope::export::{self, Format};
use asyncscope::scenarios::{self, RunOptions};
use asyncscope::timeline::Timeline;
use asyncscope::trace::{Clock, jsonl};
use clap::Args;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct RunArgs {
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
    #[command(flatten)]
    export: ExportArgs,
    /// Let a real `tokio-console` attach while the scenario runs (real clock only; the
    /// address comes from TOKIO_CONSOLE_BIND, default 127.0.0.1:6669).
    #[arg(long)]
    console: bool,
    /// With --console: keep the process (and what tokio-console shows) this many seconds
    /// after the run. Default: until Enter when standard input is a terminal, else none.
    #[arg(long, value_name = "SECS", requires = "console")]
    console_linger: Option<u64>,
    /// Print a saved trace (from --save-trace) instead of running a scenario.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["scenario", "set", "virtual_time", "unit_ms", "console", "console_linger", "save_trace"])]
    load: Option<PathBuf>,
}

/// How a recorded run is printed and saved: the same for `run` and `py`.
#[derive(Args, Debug)]
pub struct ExportArgs {
    /// What to print.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the export to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Width of the text timeline, at least 40 (default: the terminal's, or 80).
    #[arg(long, value_name = "N")]
    pub width: Option<u16>,
    /// Also save the recorded trace (JSON lines) to FILE.
    #[arg(long, value_name = "FILE")]
    pub save_trace: Option<PathBuf>,
}

pub fn welcome() -> String {
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

pub fn list(width: usize) -> String {
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

pub fn run(args: RunArgs) -> color_eyre::Result<ExitCode> {
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

    code = code.max(export_timeline(&timeline, &args.export));
    if args.console {
        linger(args.console_linger);
    }
    Ok(ExitCode::from(code))
}

/// Prints the export of `timeline` (to `--out`, or standard output); 1 if it could not be
/// written, else 0.
pub fn export_timeline(timeline: &Timeline, args: &ExportArgs) -> u8 {
    let width = args.width.unwrap_or_else(|| match &args.out {
        None => terminal_width().unwrap_or(80),
        Some(_) => 80,
    });
    let text = export::render(timeline, args.format, width);
    match &args.out {
        Some(path) => {
            if let Err(e) = write_atomically(path, text.as_bytes()) {
                eprintln!("error: could not write {}: {e}", path.display());
                return 1;
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
    0
}

/// Keep the process, and so the console server, alive after the run: tokio-console keeps
/// showing the finished tasks instead of dropping to RECONNECTING at once.
fn linger(secs: Option<u64>) {
    use std::io::IsTerminal;
    match secs {
        Some(0) => {}
        Some(n) => {
            eprintln!(
                "run finished; tokio-console can look at it for {n} s more"
            );
            std::thread::sleep(std::time::Duration::from_secs(n));
        }
        None if std::io::stdin().is_terminal() => {
            eprintln!(
                "run finished; tokio-console can still look at it: press Enter to exit"
            );
            let _ = std::io::stdin().read_line(&mut String::new());
        }
        None => {}
    }
}

/// Runs the scenario; the timeline and the exit code so far, or the exit code of a failure.
pub fn record(
    id: &str,
    args: &RunArgs,
) -> Result<(Timeline, u8), ExitCode> {
    let mut options = if args.virtual_time {
        RunOptions::virtual_time()
    } else {
        RunOptions::default()
    };
    options.unit_ms = args.unit_ms;
    options.knobs = args.set.clone();

    // Check what can be checked before saying anything about the run.
    let clock = scenarios::clock_of(id, &options).map_err(usage_error)?;

    if args.console && args.virtual_time {
        eprintln!(
            "error: --console needs the real clock: tokio-console watches real time, and a \
             --virtual-time run is over in milliseconds (drop --virtual-time)"
        );
        return Err(ExitCode::from(2));
    }
    if args.console {
        if let Err(e) = asyncscope::console::address_free() {
            eprintln!("error: {e}");
            return Err(ExitCode::from(2));
        }
        match asyncscope::console::install() {
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
    if let Some(path) = &args.export.save_trace
        && let Err(e) = jsonl::save(&trace, path)
    {
        eprintln!("error: could not save the trace: {e}");
        code = 1;
    }
    Ok((Timeline::from_trace(&trace), code))
}

/// Reads a saved trace. A damaged file still gives what was read before the damage (exit code
/// 1); a file that is not a trace at all gives `None`.
pub fn load(path: &Path) -> Option<(Timeline, u8)> {
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
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
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
