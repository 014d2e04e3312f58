//! A tmux server of the test's own, for driving the real binary in a real terminal.
//!
//! Every `Tmux` gets a socket no other test uses (process id and a counter): a server being
//! killed by one test can never take the next test's session with it, and a learner's own tmux
//! is never touched. `-f /dev/null` keeps anyone's tmux.conf out of the picture. Panes stay on
//! screen after their program ends, so a test that waits sees why it ended.
#![allow(dead_code)]

use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

static NEXT: AtomicUsize = AtomicUsize::new(0);

pub struct Tmux {
    socket: String,
    session: String,
}

impl Tmux {
    /// The end-to-end tests need tmux: without it they fail (a skipped test would let CI
    /// pass without ever running the real binary in a terminal).
    pub fn require() {
        let found = Command::new("tmux")
            .arg("-V")
            .output()
            .is_ok_and(|o| o.status.success());
        assert!(
            found,
            "tmux is not installed: the end-to-end tests need it (apt-get install tmux; \
             .ci/run installs it)"
        );
    }

    /// A `width`×`height` session running `shell_command` (through `sh -c`) in `cwd`.
    pub fn start(
        label: &str,
        cwd: &std::path::Path,
        width: u16,
        height: u16,
        shell_command: &str,
    ) -> Tmux {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let tmux = Tmux {
            socket: format!(
                "asyncscope-{label}-{}-{n}",
                std::process::id()
            ),
            session: label.to_string(),
        };
        let (width, height) = (width.to_string(), height.to_string());
        let out = tmux.command(&[
            "new-session",
            "-d",
            "-s",
            label,
            "-x",
            &width,
            "-y",
            &height,
            "-c",
            cwd.to_str().expect("a UTF-8 path"),
            "sh",
            "-c",
            shell_command,
            ";",
            "set-option",
            "-t",
            label,
            "remain-on-exit",
            "on",
        ]);
        assert!(
            out.status.success(),
            "tmux could not start a session: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        tmux
    }

    fn command(&self, args: &[&str]) -> std::process::Output {
        Command::new("tmux")
            .args(["-f", "/dev/null", "-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux runs")
    }

    fn query(&self, format: &str) -> String {
        let out = self.command(&[
            "display-message",
            "-p",
            "-t",
            &self.session,
            format,
        ]);
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// The screen as text (wrapped lines joined).
    pub fn screen(&self) -> String {
        let out = self.command(&[
            "capture-pane",
            "-p",
            "-J",
            "-t",
            &self.session,
        ]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Keys as tmux names them (`Enter`, `C-c`, `q`).
    pub fn keys(&self, keys: &[&str]) {
        let out = self.command(
            &[&["send-keys", "-t", &self.session][..], keys].concat(),
        );
        assert!(out.status.success(), "send-keys {keys:?} failed");
    }

    /// Text typed as it is, then Enter.
    pub fn type_line(&self, line: &str) {
        self.keys(&["-l", line]);
        self.keys(&["Enter"]);
    }

    /// Whether the program shows the alternate screen (a full-screen program is running, or
    /// one left without restoring the terminal).
    pub fn alternate_on(&self) -> bool {
        self.query("#{alternate_on}") == "1"
    }

    /// The process id of the pane's program (the `sh -c` until it `exec`s).
    pub fn pane_pid(&self) -> u32 {
        self.query("#{pane_pid}").parse().expect("a pane pid")
    }

    /// The pane's program has ended; its exit status if it has.
    pub fn ended(&self) -> Option<String> {
        (self.query("#{pane_dead}") == "1")
            .then(|| self.query("#{pane_dead_status}"))
    }

    /// Resize the window (and the pane in it).
    pub fn resize(&self, width: u16, height: u16) {
        let (width, height) = (width.to_string(), height.to_string());
        let out = self.command(&[
            "resize-window",
            "-t",
            &self.session,
            "-x",
            &width,
            "-y",
            &height,
        ]);
        assert!(out.status.success(), "resize-window failed");
    }

    /// Wait until `done` holds for the screen; panics after `patience` or as soon as the
    /// program has ended without it, showing the screen.
    pub fn wait_until(
        &self,
        what: &str,
        patience: Duration,
        done: impl Fn(&str) -> bool,
    ) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if done(&screen) {
                return screen;
            }
            if let Some(status) = self.ended() {
                // One last look: the program may have printed it as it ended.
                let screen = self.screen();
                if done(&screen) {
                    return screen;
                }
                panic!(
                    "waiting for {what}, the program ended (status {status}); \
                     the screen:\n{screen}"
                );
            }
            if start.elapsed() > patience {
                panic!(
                    "waited {patience:?} for {what}; the screen:\n{screen}"
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Wait for `text` to be on the screen.
    pub fn wait_for(&self, text: &str, patience: Duration) -> String {
        self.wait_until(&format!("{text:?}"), patience, |s| {
            s.contains(text)
        })
    }

    /// Kill the server: the pane's terminal hangs up under its program.
    pub fn hang_up(self) {
        drop(self);
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.command(&["kill-server"]);
    }
}

/// Whether process `pid` is still running (a zombie waiting to be reaped has stopped).
pub fn running(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
        s.rsplit(')')
            .next()
            .is_some_and(|rest| !rest.trim_start().starts_with('Z'))
    })
}

/// The processes whose parent is `pid`.
pub fn children(pid: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|child| {
            std::fs::read_to_string(format!("/proc/{child}/stat"))
                .ok()
                .and_then(|s| {
                    // After the command's name (in parentheses): state, then the parent.
                    let rest = s.rsplit(')').next()?.to_string();
                    rest.split_whitespace().nth(1)?.parse::<u32>().ok()
                })
                == Some(pid)
        })
        .collect()
}
