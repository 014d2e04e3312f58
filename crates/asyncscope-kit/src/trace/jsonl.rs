//! Saving and loading traces as JSON lines: one JSON object per line, so a file can be read
//! with `grep`/`jq`, appended to while a run goes on, and read up to the damage if it is cut.
//!
//! ```text
//! {"format":"asyncscope-trace","version":1,"scenario":"…",…}   line 1: the Header, as is
//! {"t":"thread","idx":0,"name":"main"}                          a ThreadInfo
//! {"t":"task","idx":0,"tokio_id":1,"name":"…","kind":"task"}    a TaskInfo
//! {"t":"resource","idx":0,"concrete_type":"Sleep",…}            a ResourceInfo
//! {"t":"string","i":0,"s":"text"}                               an entry of Trace::strings
//! {"t":"ev","k":"poll_start","w":1200,"a":0,"th":1,"f":1}       an Event; th, f omitted when 0
//! {"t":"values","values":{"counter":3}}                         Trace::values (merged if repeated)
//! ```
//!
//! The writer puts every definition before the first event and `values` last, but a reader
//! accepts definitions anywhere before their first use, so records can be appended as they
//! happen. Definitions of one kind are numbered 0, 1, 2, … in the order they appear. Events out
//! of wall-clock order are accepted. Blank lines are skipped; no line may exceed [`MAX_LINE`].
//!
//! Reading never panics: damage stops the reader with a [`TraceFileError`] naming the line.
//! [`read_lenient`] / [`load_lenient`] also return everything read before it.

use super::{
    Event, EventKind, FORMAT_NAME, FORMAT_VERSION, Header, ResourceInfo,
    ResourceOp, TaskInfo, ThreadInfo, Trace,
};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

/// The longest line (without its newline) a reader accepts, so a damaged file cannot make it
/// allocate without bound. The writer refuses to produce longer lines.
pub const MAX_LINE: usize = 1 << 20;

// ---------------------------------------------------------------------------------------------
// Errors

/// Why a trace file could not be read or written, and where.
#[derive(Debug)]
pub struct TraceFileError {
    /// The file, when the trace came from (or went to) one.
    pub path: Option<PathBuf>,
    /// 1-based line number, when the problem is on a particular line.
    pub line: Option<usize>,
    pub kind: TraceFileErrorKind,
}

#[derive(Debug)]
#[non_exhaustive]
pub enum TraceFileErrorKind {
    /// The operating system refused; `doing` is e.g. "open", "read", "write".
    Io {
        doing: &'static str,
        error: io::Error,
    },
    /// No line at all (or only blank ones).
    Empty,
    /// The first line is not our header; says why.
    NotATrace(String),
    /// The header's format version is not [`FORMAT_VERSION`].
    Version {
        found: u64,
    },
    /// The line is not valid JSON; serde's message (with the column).
    InvalidJson(String),
    NotUtf8,
    LineTooLong,
    /// The `"t"` field names no record type we know.
    UnknownRecord(String),
    /// The `"k"` field of an event names no [`EventKind`].
    UnknownEventKind(String),
    /// Valid JSON, but not the shape a `what` record must have (missing field, wrong type, …).
    BadRecord {
        what: &'static str,
        message: String,
    },
    /// A definition whose number is not the next one of its kind.
    OutOfOrder {
        what: &'static str,
        found: u64,
        expected: usize,
    },
    /// An event refers to a task/resource/string/thread not defined on an earlier line.
    Undefined {
        event: EventKind,
        what: &'static str,
        index: u64,
        defined: usize,
    },
    /// An event whose flag means nothing for its kind.
    BadFlag {
        event: EventKind,
        flag: u8,
    },
}

impl TraceFileError {
    fn at(line: usize, kind: TraceFileErrorKind) -> Self {
        TraceFileError {
            path: None,
            line: Some(line),
            kind,
        }
    }

    fn with_path(mut self, path: &Path) -> Self {
        self.path = Some(path.to_path_buf());
        self
    }
}

impl fmt::Display for TraceFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(p) = &self.path {
            write!(f, "{}: ", p.display())?;
        }
        if let Some(l) = self.line {
            write!(f, "line {l}: ")?;
        }
        write!(f, "{}", self.kind)
    }
}

impl fmt::Display for TraceFileErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use TraceFileErrorKind::*;
        match self {
            Io { doing, error } => {
                write!(f, "could not {doing} the file: {error}")
            }
            Empty => write!(
                f,
                "the file is empty; an asyncscope trace starts with a header line"
            ),
            NotATrace(why) => write!(
                f,
                "this is not an asyncscope trace: {why} (a trace is saved by \
                 `asyncscope run SCENARIO --save-trace FILE`)"
            ),
            Version { found } => {
                write!(
                    f,
                    "this trace is format version {found}; this asyncscope reads version {FORMAT_VERSION}"
                )?;
                if *found > FORMAT_VERSION as u64 {
                    write!(f, " (it was saved by a newer asyncscope)")
                } else {
                    write!(
                        f,
                        " (an older format that is no longer supported)"
                    )
                }
            }
            InvalidJson(msg) => write!(
                f,
                "invalid JSON: {msg} (the file may be cut or damaged)"
            ),
            NotUtf8 => write!(
                f,
                "the line is not UTF-8 text (the file is damaged)"
            ),
            LineTooLong => write!(
                f,
                "the line is longer than {} MiB, which no trace line is (the file is damaged)",
                MAX_LINE >> 20
            ),
            UnknownRecord(t) => write!(
                f,
                "unknown record type {t:?} (expected thread, task, resource, string, ev or values)"
            ),
            UnknownEventKind(k) => write!(f, "unknown event kind {k:?}"),
            BadRecord { what, message } => {
                write!(f, "bad {what} line: {message}")
            }
            OutOfOrder {
                what,
                found,
                expected,
            } => {
                if *found < *expected as u64 {
                    write!(f, "{what} {found} is defined twice")
                } else {
                    write!(
                        f,
                        "{what} {found} is defined before {what} {expected}; they must be numbered in order"
                    )
                }
            }
            Undefined {
                event,
                what,
                index,
                defined,
            } => {
                let so_far = match defined {
                    0 => format!("no {what} is"),
                    1 => format!("only {what} 0 is"),
                    n => format!("only {what}s 0 to {} are", n - 1),
                };
                write!(
                    f,
                    "the {} event refers to {what} {index}, which is not defined before this \
                     line ({so_far})",
                    kind_name(*event)
                )
            }
            BadFlag { event, flag } => {
                write!(
                    f,
                    "the {} event has an unknown flag {flag}",
                    kind_name(*event)
                )
            }
        }
    }
}

impl std::error::Error for TraceFileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            TraceFileErrorKind::Io { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// serde_json's message without its "at line 1 column N" (every line is parsed alone, so
/// its line number would contradict ours); the column is kept.
fn json_message(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    match msg.strip_suffix(&suffix) {
        Some(m) => format!("{m} (column {})", e.column()),
        None => msg,
    }
}

/// Syntax errors mean damage; data errors mean valid JSON of the wrong shape.
fn json_error(
    e: &serde_json::Error,
    what: &'static str,
) -> TraceFileErrorKind {
    use serde_json::error::Category;
    match e.classify() {
        Category::Data => TraceFileErrorKind::BadRecord {
            what,
            message: json_message(e),
        },
        Category::Syntax | Category::Eof | Category::Io => {
            TraceFileErrorKind::InvalidJson(json_message(e))
        }
    }
}

/// The snake_case name serde gives an `EventKind`, for messages.
fn kind_name(kind: EventKind) -> String {
    match serde_json::to_value(kind) {
        Ok(serde_json::Value::String(s)) => s,
        _ => format!("{kind:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Writing

#[derive(Serialize)]
#[serde(tag = "t", rename_all = "snake_case")]
enum RecordOut<'a> {
    Thread(&'a ThreadInfo),
    Task(&'a TaskInfo),
    Resource(&'a ResourceInfo),
    String {
        i: usize,
        s: &'a str,
    },
    Ev {
        k: EventKind,
        w: u64,
        a: u32,
        #[serde(skip_serializing_if = "is_zero_u16")]
        th: u16,
        #[serde(skip_serializing_if = "is_zero_u8")]
        f: u8,
    },
    Values {
        values: &'a BTreeMap<String, serde_json::Value>,
    },
}

fn is_zero_u16(v: &u16) -> bool {
    *v == 0
}
fn is_zero_u8(v: &u8) -> bool {
    *v == 0
}

/// Serializes one record into `buf` (reused between lines to avoid an allocation per event).
fn encode(buf: &mut Vec<u8>, rec: &impl Serialize) -> io::Result<()> {
    buf.clear();
    serde_json::to_writer(&mut *buf, rec)?;
    Ok(())
}

/// Writes `buf` as one line, refusing lines a reader would refuse.
fn emit(out: &mut impl Write, buf: &[u8], what: &str) -> io::Result<()> {
    if buf.len() > MAX_LINE {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "{what} is {} bytes of JSON, more than the {} MiB a trace line may hold",
                buf.len(),
                MAX_LINE >> 20
            ),
        ));
    }
    out.write_all(buf)?;
    out.write_all(b"\n")
}

/// Writes `trace` as JSON lines (buffered; flushed before returning).
pub fn write(trace: &Trace, out: impl Write) -> io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 16, out);
    let mut buf = Vec::with_capacity(256);
    encode(&mut buf, &trace.header)?;
    emit(&mut out, &buf, "the header")?;
    for t in &trace.threads {
        encode(&mut buf, &RecordOut::Thread(t))?;
        emit(&mut out, &buf, "a thread")?;
    }
    for t in &trace.tasks {
        encode(&mut buf, &RecordOut::Task(t))?;
        emit(&mut out, &buf, "a task")?;
    }
    for r in &trace.resources {
        encode(&mut buf, &RecordOut::Resource(r))?;
        emit(&mut out, &buf, "a resource")?;
    }
    for (i, s) in trace.strings.iter().enumerate() {
        encode(&mut buf, &RecordOut::String { i, s })?;
        emit(&mut out, &buf, "a string")?;
    }
    for ev in &trace.events {
        let rec = RecordOut::Ev {
            k: ev.kind,
            w: ev.wall_ns,
            a: ev.a,
            th: ev.thread,
            f: ev.flag,
        };
        encode(&mut buf, &rec)?;
        emit(&mut out, &buf, "an event")?;
    }
    if !trace.values.is_empty() {
        encode(
            &mut buf,
            &RecordOut::Values {
                values: &trace.values,
            },
        )?;
        if buf.len() <= MAX_LINE {
            emit(&mut out, &buf, "the values")?;
        } else {
            // Too big for one line: readers merge values lines, so split by key.
            for (k, v) in &trace.values {
                let one = BTreeMap::from([(k.clone(), v.clone())]);
                encode(&mut buf, &RecordOut::Values { values: &one })?;
                emit(&mut out, &buf, &format!("value {k:?}"))?;
            }
        }
    }
    out.flush()
}

/// Saves `trace` to `path` atomically: it is written to a temporary file in the same
/// directory, synced, then renamed, so a crash never leaves half a trace under the real name.
pub fn save(trace: &Trace, path: &Path) -> Result<(), TraceFileError> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static SAVES: AtomicU64 = AtomicU64::new(0);

    let io_err = |doing, error| TraceFileError {
        path: Some(path.to_path_buf()),
        line: None,
        kind: TraceFileErrorKind::Io { doing, error },
    };
    let Some(name) = path.file_name() else {
        return Err(io_err(
            "create",
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "the path names no file",
            ),
        ));
    };
    // Unique per process and per call, so concurrent saves do not share a temp file.
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(
        ".{}-{}.tmp",
        std::process::id(),
        SAVES.fetch_add(1, Ordering::Relaxed)
    ));
    let tmp = path.with_file_name(tmp_name);

    let result = (|| {
        let file =
            std::fs::File::create(&tmp).map_err(|e| io_err("create", e))?;
        write(trace, &file).map_err(|e| io_err("write", e))?;
        // Without the sync, a power loss after the rename could leave an empty file.
        file.sync_all().map_err(|e| io_err("write", e))?;
        drop(file);
        std::fs::rename(&tmp, path).map_err(|e| io_err("replace", e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

// ---------------------------------------------------------------------------------------------
// Reading

/// Just the tag, parsed first so each record gets an error message about its own shape.
#[derive(Deserialize)]
struct Tag<'a> {
    #[serde(borrow)]
    t: Cow<'a, str>,
}

#[derive(Deserialize)]
struct EvIn<'a> {
    #[serde(borrow)]
    k: Cow<'a, str>,
    w: u64,
    a: u32,
    #[serde(default)]
    th: u16,
    #[serde(default)]
    f: u8,
}

#[derive(Deserialize)]
struct StringIn {
    i: u64,
    s: String,
}

#[derive(Deserialize)]
struct ValuesIn {
    values: BTreeMap<String, serde_json::Value>,
}

fn parse<'a, T: Deserialize<'a>>(
    line: &'a str,
    what: &'static str,
) -> Result<T, TraceFileErrorKind> {
    serde_json::from_str(line).map_err(|e| json_error(&e, what))
}

/// Reads lines with a bounded buffer, tracking the 1-based line number.
struct Lines<R> {
    input: R,
    buf: Vec<u8>,
    line: usize,
}

impl<R: BufRead> Lines<R> {
    /// The next non-blank line, without its newline; `Ok(None)` at the end.
    fn next_line(&mut self) -> Result<Option<&str>, TraceFileError> {
        loop {
            self.buf.clear();
            self.line += 1;
            // `take` bounds memory: at most MAX_LINE bytes plus the newline.
            let n = io::Read::take(&mut self.input, MAX_LINE as u64 + 1)
                .read_until(b'\n', &mut self.buf)
                .map_err(|error| {
                    TraceFileError::at(
                        self.line,
                        TraceFileErrorKind::Io {
                            doing: "read",
                            error,
                        },
                    )
                })?;
            if n == 0 {
                return Ok(None);
            }
            if self.buf.last() == Some(&b'\n') {
                self.buf.pop();
            } else if self.buf.len() > MAX_LINE {
                return Err(TraceFileError::at(
                    self.line,
                    TraceFileErrorKind::LineTooLong,
                ));
            }
            if self.buf.trim_ascii().is_empty() {
                continue;
            }
            return match std::str::from_utf8(&self.buf) {
                Ok(s) => Ok(Some(s)),
                Err(_) => Err(TraceFileError::at(
                    self.line,
                    TraceFileErrorKind::NotUtf8,
                )),
            };
        }
    }
}

/// Parses and checks the first line.
fn parse_header(line: &str) -> Result<Header, TraceFileErrorKind> {
    use serde_json::Value;
    let not_a_trace = |why: String| TraceFileErrorKind::NotATrace(why);
    let value: Value = serde_json::from_str(line).map_err(|e| {
        not_a_trace(format!(
            "the first line is not JSON ({})",
            json_message(&e)
        ))
    })?;
    let Value::Object(obj) = &value else {
        return Err(not_a_trace(
            "the first line is not a JSON object with \"format\": \"asyncscope-trace\"".into(),
        ));
    };
    match obj.get("format") {
        Some(Value::String(s)) if s == FORMAT_NAME => {}
        Some(Value::String(s)) => {
            return Err(not_a_trace(format!(
                "its format is {s:?}, not {FORMAT_NAME:?}"
            )));
        }
        _ => {
            return Err(not_a_trace(format!(
                "the first line has no \"format\": {FORMAT_NAME:?}"
            )));
        }
    }
    match obj.get("version").and_then(Value::as_u64) {
        Some(v) if v == FORMAT_VERSION as u64 => {}
        Some(found) => return Err(TraceFileErrorKind::Version { found }),
        None => {
            return Err(TraceFileErrorKind::BadRecord {
                what: "header",
                message: "no \"version\" number".into(),
            });
        }
    }
    serde_json::from_value(value).map_err(|e| {
        TraceFileErrorKind::BadRecord {
            what: "header",
            message: json_message(&e),
        }
    })
}

/// Checks a definition is numbered next in its table.
fn check_next(
    what: &'static str,
    found: u64,
    len: usize,
) -> Result<(), TraceFileErrorKind> {
    if found == len as u64 {
        Ok(())
    } else {
        Err(TraceFileErrorKind::OutOfOrder {
            what,
            found,
            expected: len,
        })
    }
}

/// The same checks as [`Trace::validate`], made against what is defined so far.
fn check_event(
    trace: &Trace,
    ev: &Event,
) -> Result<(), TraceFileErrorKind> {
    use EventKind::*;
    let refers = match ev.kind {
        TaskSpawn | PollStart | PollEnd | Wake | TaskClose | Outcome => {
            Some(("task", trace.tasks.len()))
        }
        ResourceNew | ResourcePoll | ResourceState | ResourceClose => {
            Some(("resource", trace.resources.len()))
        }
        Mark => Some(("string", trace.strings.len())),
        Heartbeat | ClockSync | RunEnd => None,
    };
    if let Some((what, defined)) = refers
        && ev.a as usize >= defined
    {
        return Err(TraceFileErrorKind::Undefined {
            event: ev.kind,
            what,
            index: ev.a.into(),
            defined,
        });
    }
    // ClockSync's `thread` holds the clock's high bits. With no threads defined, thread 0 is
    // implied (as in `Trace::validate`).
    if ev.kind != ClockSync
        && ev.thread as usize >= trace.threads.len().max(1)
    {
        return Err(TraceFileErrorKind::Undefined {
            event: ev.kind,
            what: "thread",
            index: ev.thread.into(),
            defined: trace.threads.len(),
        });
    }
    let bad_flag = match ev.kind {
        Outcome => super::Outcome::from_u8(ev.flag).is_none(),
        ResourceState => ResourceOp::from_u8(ev.flag).is_none(),
        _ => false,
    };
    if bad_flag {
        return Err(TraceFileErrorKind::BadFlag {
            event: ev.kind,
            flag: ev.flag,
        });
    }
    Ok(())
}

fn is_header(line: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(line).is_ok_and(|v| {
        v.get("format").and_then(|f| f.as_str()) == Some(FORMAT_NAME)
    })
}

/// Adds one non-header line to `trace`.
fn read_record(
    trace: &mut Trace,
    line: &str,
) -> Result<(), TraceFileErrorKind> {
    let tag: Tag = serde_json::from_str(line).map_err(|e| match e.classify() {
        // `cat a.jsonl b.jsonl > c.jsonl`, or `>>` instead of `>`.
        serde_json::error::Category::Data if is_header(line) => {
            TraceFileErrorKind::BadRecord {
                what: "record",
                message: "a second trace header: two traces were joined \
                          into one file, and a file holds one trace"
                    .into(),
            }
        }
        serde_json::error::Category::Data => TraceFileErrorKind::BadRecord {
            what: "record",
            message: format!(
                "expected a JSON object with a \"t\" field naming its type ({})",
                json_message(&e)
            ),
        },
        _ => TraceFileErrorKind::InvalidJson(json_message(&e)),
    })?;
    match tag.t.as_ref() {
        "ev" => {
            let ev: EvIn = parse(line, "event")?;
            use serde::de::IntoDeserializer;
            let de: serde::de::value::StrDeserializer<
                serde::de::value::Error,
            > = ev.k.as_ref().into_deserializer();
            let kind = EventKind::deserialize(de).map_err(|_| {
                TraceFileErrorKind::UnknownEventKind(ev.k.to_string())
            })?;
            let event = Event::new(kind, ev.w, ev.th, ev.a, ev.f);
            check_event(trace, &event)?;
            trace.events.push(event);
        }
        "thread" => {
            let t: ThreadInfo = parse(line, "thread")?;
            check_next("thread", t.idx.into(), trace.threads.len())?;
            trace.threads.push(t);
        }
        "task" => {
            let t: TaskInfo = parse(line, "task")?;
            check_next("task", t.idx.into(), trace.tasks.len())?;
            trace.tasks.push(t);
        }
        "resource" => {
            let r: ResourceInfo = parse(line, "resource")?;
            check_next("resource", r.idx.into(), trace.resources.len())?;
            trace.resources.push(r);
        }
        "string" => {
            let s: StringIn = parse(line, "string")?;
            check_next("string", s.i, trace.strings.len())?;
            trace.strings.push(s.s);
        }
        "values" => {
            let v: ValuesIn = parse(line, "values")?;
            trace.values.extend(v.values);
        }
        other => {
            return Err(TraceFileErrorKind::UnknownRecord(
                other.to_string(),
            ));
        }
    }
    Ok(())
}

/// Reads a trace, stopping at the first damage. `Err` when not even the header could be
/// read; otherwise the trace read so far (always valid: every event refers to something
/// defined) and, if the input is damaged, the error that stopped the reading.
pub fn read_lenient(
    input: impl BufRead,
) -> Result<(Trace, Option<TraceFileError>), TraceFileError> {
    let mut lines = Lines {
        input,
        buf: Vec::new(),
        line: 0,
    };
    let header = match lines.next_line()? {
        None => {
            return Err(TraceFileError {
                path: None,
                line: None,
                kind: TraceFileErrorKind::Empty,
            });
        }
        // A byte-order mark (some editors add one) is not part of the header.
        Some(first) => {
            parse_header(first.strip_prefix('\u{feff}').unwrap_or(first))
                .map_err(|k| TraceFileError::at(lines.line, k))?
        }
    };
    let mut trace = Trace::empty(header);
    loop {
        let line = match lines.next_line() {
            Ok(Some(line)) => line,
            Ok(None) => return Ok((trace, None)),
            Err(e) => return Ok((trace, Some(e))),
        };
        if let Err(kind) = read_record(&mut trace, line) {
            let line_no = lines.line;
            return Ok((trace, Some(TraceFileError::at(line_no, kind))));
        }
    }
}

/// Reads a whole trace; any damage is an error.
pub fn read(input: impl BufRead) -> Result<Trace, TraceFileError> {
    match read_lenient(input)? {
        (trace, None) => Ok(trace),
        (_, Some(e)) => Err(e),
    }
}

fn open(path: &Path) -> Result<BufReader<std::fs::File>, TraceFileError> {
    let file =
        std::fs::File::open(path).map_err(|error| TraceFileError {
            path: Some(path.to_path_buf()),
            line: None,
            kind: TraceFileErrorKind::Io {
                doing: "open",
                error,
            },
        })?;
    Ok(BufReader::with_capacity(1 << 16, file))
}

/// [`read`] from a file; errors name it.
pub fn load(path: &Path) -> Result<Trace, TraceFileError> {
    read(open(path)?).map_err(|e| e.with_path(path))
}

/// [`read_lenient`] from a file; errors name it.
pub fn load_lenient(
    path: &Path,
) -> Result<(Trace, Option<TraceFileError>), TraceFileError> {
    match read_lenient(open(path)?) {
        Ok((trace, damage)) => {
            Ok((trace, damage.map(|e| e.with_path(path))))
        }
        Err(e) => Err(e.with_path(path)),
    }
}
