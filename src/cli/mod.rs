//! The commands, one file per group: scenarios (`list`, `run`), lessons (`lessons`, `lesson`,
//! `progress`), exercises (`exercises`, `check`, `hint`, `watch`, `reset`), Python programs
//! (`py`) and the TUI.

pub mod exercise;
pub mod lesson;
pub mod python;
pub mod scenario;
pub mod tui;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

/// Print `text` to standard output. A closed pipe (`| head`) comes back as an error that
/// `main` treats as the end, instead of `print!`'s panic.
pub fn print(text: &str) -> color_eyre::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// `knob=value`, as `--set` and `--play` take it.
pub fn parse_setting(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => {
            Ok((k.trim().to_string(), v.trim().to_string()))
        }
        _ => Err(format!("`{s}` should look like knob=value")),
    }
}

/// The terminal's width, when standard output is one.
pub fn terminal_width() -> Option<u16> {
    if !std::io::stdout().is_terminal() {
        return None;
    }
    crossterm::terminal::size()
        .ok()
        .map(|(w, _)| w)
        .filter(|w| *w > 0)
}

pub fn usage_error(e: asyncscope::scenarios::RunError) -> ExitCode {
    eprintln!("error: {e}");
    ExitCode::from(2)
}

/// A panic inside a scenario's task is part of the lesson (tokio catches it and the timeline
/// shows it): one line on stderr, not a crash report. Other panics keep color-eyre's report.
pub fn quiet_task_panics() {
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
