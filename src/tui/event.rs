//! The event loop: terminal events and a frame tick in one `select!`. The screen is redrawn
//! only when something changed: a key, the mouse, a resize, or a tick while a run is live or
//! playing. With nothing happening, the loop sleeps on the terminal alone. SIGTERM, SIGHUP
//! and SIGINT end the loop like a quit, so the terminal is restored before the process goes.

use crate::tui::app::App;
use crate::tui::exercise::CHECK_THREAD;
use crate::tui::live::RUN_THREAD;
use crossterm::event::{
    DisableMouseCapture, EnableMouseCapture, EventStream,
};
use futures::StreamExt;
use ratatui::DefaultTerminal;
use std::time::{Duration, Instant};
use tokio::signal::unix::{Signal, SignalKind, signal};

/// Frames per second while something moves.
const TICK: Duration = Duration::from_millis(33);

/// Run the TUI until the user quits or a signal asks it to stop. The terminal is restored on
/// every way out, panics included. `Ok(Some(signal))`: the loop ended for that signal (the
/// caller exits with 128 + signal, as the shell expects of a killed program).
pub fn run(
    mut app: App,
    open: Option<std::path::PathBuf>,
) -> color_eyre::Result<Option<i32>> {
    if let Some(path) = open
        && let Err(e) = app.open_file(&path)
    {
        return Err(color_eyre::eyre::eyre!(e));
    }
    let terminal = ratatui::init();
    install_panic_hook();
    let _ = crossterm::execute!(std::io::stdout(), EnableMouseCapture);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build();
    let result = match rt {
        Ok(rt) => rt.block_on(event_loop(terminal, &mut app)),
        Err(e) => Err(e.into()),
    };
    let _ = crossterm::execute!(std::io::stdout(), DisableMouseCapture);
    ratatui::restore();
    result
}

/// ratatui's hook restores the terminal; ours first lets go of the mouse. A panic inside a
/// scenario (a lesson about panics, say) is the run's business: tokio catches it, the trace
/// records it, and the screen must not be torn down for it.
fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let name = std::thread::current().name().map(str::to_string);
        let in_run = tokio::task::try_id().is_some()
            || name.as_deref().is_some_and(|n| {
                n == RUN_THREAD
                    || n == CHECK_THREAD
                    || n.starts_with("asyncscope-rt")
            });
        if in_run {
            return;
        }
        let _ = crossterm::execute!(std::io::stdout(), DisableMouseCapture);
        previous(info);
    }));
}

async fn event_loop(
    mut terminal: DefaultTerminal,
    app: &mut App,
) -> color_eyre::Result<Option<i32>> {
    let mut stop = StopSignals::install()?;
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut dirty = true;
    loop {
        if dirty {
            terminal.draw(|f| crate::tui::draw(f, app))?;
            dirty = false;
        }
        if app.quit {
            break;
        }
        let ticking = app.needs_tick();
        tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(ev)) => dirty |= app.on_event(ev),
                Some(Err(e)) => return Err(e.into()),
                None => break,
            },
            _ = tick.tick(), if ticking => {
                dirty |= app.tick(Instant::now());
            }
            signal = stop.next() => return Ok(Some(signal)),
        }
    }
    Ok(None)
}

/// The signals that end the TUI: a `kill`, a closed terminal window, an interrupt sent from
/// outside (in raw mode Ctrl-C arrives as a key, handled by the app).
struct StopSignals {
    term: Signal,
    hangup: Signal,
    interrupt: Signal,
}

impl StopSignals {
    fn install() -> std::io::Result<StopSignals> {
        Ok(StopSignals {
            term: signal(SignalKind::terminate())?,
            hangup: signal(SignalKind::hangup())?,
            interrupt: signal(SignalKind::interrupt())?,
        })
    }

    /// The number of the next signal to arrive.
    async fn next(&mut self) -> i32 {
        tokio::select! {
            _ = self.term.recv() => libc::SIGTERM,
            _ = self.hangup.recv() => libc::SIGHUP,
            _ = self.interrupt.recv() => libc::SIGINT,
        }
    }
}
