//! Saving and loading traces as JSON lines: round trips, damaged files, and a small fuzz loop.

use asyncscope::trace::jsonl::{self, TraceFileError, TraceFileErrorKind};
use asyncscope::trace::{
    Clock, Event, EventKind, Header, Location, Outcome as Ended,
    ResourceInfo, ResourceOp, TaskInfo, TaskKind, ThreadInfo, Trace,
    WaitFlag,
};
use std::path::PathBuf;

fn sample() -> Trace {
    let mut header = Header::new("bank", Clock::Paused, 100.0);
    header.title = "Two tellers, one ledger".into();
    header.knobs.insert("tellers".into(), "2".into());
    header.flavor = "multi_thread".into();
    header.workers = 2;
    let mut t = Trace::empty(header);
    t.threads = vec![
        ThreadInfo {
            idx: 0,
            name: "main".into(),
        },
        ThreadInfo {
            idx: 1,
            name: "tokio-runtime-worker \"1\"".into(),
        },
    ];
    let task = |idx, name: &str, kind, parent| TaskInfo {
        idx,
        tokio_id: 10 + idx as u64,
        name: name.into(),
        kind,
        spawned_at: Some(Location {
            file: "src/scenarios/bank.rs".into(),
            line: 40 + idx,
            col: 5,
        }),
        parent,
        probe: false,
    };
    t.tasks = vec![
        task(0, "main", TaskKind::BlockOn, None),
        task(1, "teller ✓", TaskKind::Task, Some(0)),
        TaskInfo {
            probe: true,
            spawned_at: None,
            ..task(2, "heartbeat", TaskKind::Task, Some(0))
        },
    ];
    t.resources = vec![ResourceInfo {
        idx: 0,
        concrete_type: "Mutex".into(),
        kind: "Sync".into(),
        label: Some("ledger".into()),
        created_at: None,
        duration_ms: None,
        capacity: Some(1),
        probe: false,
    }];
    t.strings = vec!["deposit\nwith newline".into()];
    use EventKind::*;
    let e = Event::new;
    t.events = vec![
        e(TaskSpawn, 0, 0, 0, 0),
        e(PollStart, 10, 0, 0, 0),
        e(TaskSpawn, 20, 0, 1, 0),
        e(TaskSpawn, 25, 0, 2, 0),
        e(ResourceNew, 30, 0, 0, 0),
        e(Mark, 35, 0, 0, 0),
        e(ResourcePoll, 40, 0, 0, WaitFlag::READY),
        e(ResourceState, 41, 0, 0, ResourceOp::Locked as u8),
        e(PollEnd, 50, 0, 0, 0),
        Event::clock_sync(55, 5_000_000_123), // > 2^32 ns, so the high bits land in `thread`
        e(PollStart, 60, 1, 1, 0),
        e(ResourcePoll, 61, 1, 0, WaitFlag::SEND),
        e(Wake, 58, 1, 0, 1), // out of wall-clock order on purpose: allowed
        e(ResourceState, 70, 0, 0, ResourceOp::Unlocked as u8),
        e(Outcome, 80, 1, 1, Ended::Cancelled as u8),
        e(PollEnd, 81, 1, 1, 0),
        e(TaskClose, 82, 1, 1, 0),
        e(Heartbeat, 90, 0, 150, 0),
        e(ResourceClose, 95, 0, 0, 0),
        e(Outcome, 100, 0, 0, Ended::Completed as u8),
        e(TaskClose, 101, 0, 0, 0),
        e(RunEnd, u64::MAX, 0, 0, 1),
    ];
    t.values.insert("balance".into(), serde_json::json!(120));
    t.values
        .insert("order".into(), serde_json::json!(["a", "b", {"c": null}]));
    t
}

fn to_bytes(t: &Trace) -> Vec<u8> {
    let mut out = Vec::new();
    jsonl::write(t, &mut out).expect("writing to a Vec cannot fail");
    out
}

const HEADER: &str = r#"{"format":"asyncscope-trace","version":1,"scenario":"s","clock":"real","unit_ms":1.0,"flavor":"current_thread"}"#;

fn strict_err(input: &[u8]) -> TraceFileError {
    match jsonl::read(input) {
        Ok(_) => panic!(
            "expected an error for {:?}",
            String::from_utf8_lossy(input)
        ),
        Err(e) => e,
    }
}

/// Asserts the error is on `line` and its message contains `phrase`.
fn assert_err(
    input: &[u8],
    line: Option<usize>,
    phrase: &str,
) -> TraceFileError {
    let e = strict_err(input);
    let msg = e.to_string();
    assert_eq!(e.line, line, "wrong line in {msg:?}");
    assert!(msg.contains(phrase), "{msg:?} does not contain {phrase:?}");
    e
}

/// The header, then `rest` (lines joined by '\n').
fn file(rest: &[&str]) -> Vec<u8> {
    let mut s = String::from(HEADER);
    for l in rest {
        s.push('\n');
        s.push_str(l);
    }
    s.push('\n');
    s.into_bytes()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join(format!("asyncscope-jsonl-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

#[test]
fn round_trip_gives_an_equal_trace() {
    let t = sample();
    assert_eq!(t.validate(), Ok(()));
    let bytes = to_bytes(&t);
    let back = jsonl::read(&bytes[..]).expect("read back");
    assert_eq!(back, t);
    assert_eq!(back.events[9].clock_ns(), 5_000_000_123);

    let text = String::from_utf8(bytes).expect("utf-8");
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0]
            .starts_with(r#"{"format":"asyncscope-trace","version":1,"#)
    );
    // 1 header + 2 threads + 3 tasks + 1 resource + 1 string + 22 events + 1 values.
    assert_eq!(lines.len(), 31);
    // `th` and `f` are left out when 0.
    assert!(lines.contains(&r#"{"t":"ev","k":"task_spawn","w":0,"a":0}"#));
    assert!(
        lines.contains(
            &r#"{"t":"ev","k":"wake","w":58,"a":0,"th":1,"f":1}"#
        )
    );
    assert!(
        lines
            .last()
            .is_some_and(|l| l.starts_with(r#"{"t":"values","#))
    );
}

#[test]
fn empty_trace_round_trips() {
    let t = Trace::empty(Header::new("nothing", Clock::Real, 1.0));
    let bytes = to_bytes(&t);
    assert_eq!(bytes.iter().filter(|&&b| b == b'\n').count(), 1);
    assert_eq!(jsonl::read(&bytes[..]).expect("read"), t);
}

#[test]
fn save_and_load_through_a_file() {
    let dir = temp_dir("save");
    let path = dir.join("run.jsonl");
    let t = sample();
    jsonl::save(&t, &path).expect("save");
    // Saving again replaces the file.
    jsonl::save(&t, &path).expect("save again");
    assert_eq!(jsonl::load(&path).expect("load"), t);
    let (lenient, damage) =
        jsonl::load_lenient(&path).expect("load lenient");
    assert_eq!(lenient, t);
    assert!(damage.is_none());
    // No temporary file is left behind.
    let names: Vec<_> = std::fs::read_dir(&dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("run.jsonl")]);

    let missing = dir.join("missing.jsonl");
    let e = jsonl::load(&missing).expect_err("missing file");
    assert!(matches!(e.kind, TraceFileErrorKind::Io { .. }));
    assert_eq!(e.line, None);
    assert!(e.to_string().contains("missing.jsonl"), "{e}");
    assert!(std::error::Error::source(&e).is_some());

    let e = jsonl::save(&t, &dir.join("no-such-dir").join("x.jsonl"))
        .expect_err("no dir");
    assert!(e.to_string().contains("x.jsonl"), "{e}");
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

#[test]
fn truncated_mid_line_reads_up_to_the_damage() {
    let t = sample();
    let bytes = to_bytes(&t);
    // Cut in the middle of line 20 (the 12th event: 8 definition lines come first).
    let starts: Vec<usize> = std::iter::once(0)
        .chain(
            bytes
                .iter()
                .enumerate()
                .filter(|&(_, &b)| b == b'\n')
                .map(|(i, _)| i + 1),
        )
        .collect();
    let cut = starts[19] + 12;
    let damaged = &bytes[..cut];

    let (partial, damage) =
        jsonl::read_lenient(damaged).expect("header is intact");
    let damage = damage.expect("the cut is reported");
    assert_eq!(damage.line, Some(20));
    assert!(matches!(damage.kind, TraceFileErrorKind::InvalidJson(_)));
    assert!(
        damage.to_string().starts_with("line 20: invalid JSON"),
        "{damage}"
    );
    assert_eq!(partial.events, t.events[..11]);
    assert_eq!(partial.tasks, t.tasks);
    assert!(partial.values.is_empty());
    assert_eq!(partial.validate(), Ok(()));

    assert_err(damaged, Some(20), "invalid JSON");

    // From a file, the error names it too.
    let dir = temp_dir("truncated");
    let path = dir.join("cut.jsonl");
    std::fs::write(&path, damaged).expect("write");
    let (partial, damage) =
        jsonl::load_lenient(&path).expect("header is intact");
    assert_eq!(partial.events.len(), 11);
    let msg = damage.expect("damage").to_string();
    assert!(msg.contains("cut.jsonl: line 20: "), "{msg}");
    let msg = jsonl::load(&path).expect_err("strict").to_string();
    assert!(msg.contains("cut.jsonl: line 20: "), "{msg}");
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

#[test]
fn empty_input_is_reported() {
    assert_err(b"", None, "empty");
    assert_err(b"\n  \n\t\n", None, "empty");
    assert!(jsonl::read_lenient(&b""[..]).is_err());
}

#[test]
fn random_bytes_are_not_a_trace() {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let mut bytes = vec![0xFF]; // never valid UTF-8, so the first line is certainly refused
    bytes.extend((0..4096).map(|_| rng.next() as u8));
    assert_err(&bytes, Some(1), "not UTF-8");
    // Printable junk on line 1.
    assert_err(b"hello world\n", Some(1), "not an asyncscope trace");
}

#[test]
fn other_json_is_not_a_trace() {
    let e = assert_err(b"[1, 2, 3]\n", Some(1), "not an asyncscope trace");
    assert!(matches!(e.kind, TraceFileErrorKind::NotATrace(_)));
    assert_err(b"{\"a\": 1}\n", Some(1), "no \"format\"");
    assert_err(
        b"{\"format\": \"other-tool\", \"version\": 1}\n",
        Some(1),
        "its format is \"other-tool\"",
    );
    // A trace missing its header: the first line is an event.
    assert_err(
        b"{\"t\":\"ev\",\"k\":\"run_end\",\"w\":1,\"a\":0}\n",
        Some(1),
        "not an asyncscope trace",
    );
    // Blank lines before the header are skipped, and counted.
    assert_err(b"\n\n[]\n", Some(3), "not an asyncscope trace");
}

#[test]
fn newer_version_is_refused_by_number() {
    let header = HEADER.replace("\"version\":1", "\"version\":99");
    let e = assert_err(
        header.as_bytes(),
        Some(1),
        "this trace is format version 99; this asyncscope reads version 1",
    );
    assert!(matches!(e.kind, TraceFileErrorKind::Version { found: 99 }));
    assert!(e.to_string().contains("newer asyncscope"), "{e}");
    let header = HEADER.replace("\"version\":1", "\"version\":\"one\"");
    assert_err(header.as_bytes(), Some(1), "bad header line");
    let header = HEADER.replace(",\"clock\":\"real\"", "");
    assert_err(header.as_bytes(), Some(1), "missing field `clock`");
}

#[test]
fn unknown_event_kind_and_record_type() {
    let input = file(&[r#"{"t":"ev","k":"teleport","w":1,"a":0}"#]);
    let e = assert_err(&input, Some(2), "unknown event kind \"teleport\"");
    assert!(
        matches!(e.kind, TraceFileErrorKind::UnknownEventKind(ref k) if k == "teleport")
    );
    let input = file(&[r#"{"t":"wormhole"}"#]);
    assert_err(&input, Some(2), "unknown record type \"wormhole\"");
    let input = file(&[r#"{"k":"run_end","w":1,"a":0}"#]);
    assert_err(&input, Some(2), "\"t\" field");
    let input = file(&["[1]"]);
    assert_err(&input, Some(2), "\"t\" field");
    let input = file(&[r#"{"t":"ev","k":"run_end","a":0}"#]);
    assert_err(&input, Some(2), "bad event line: missing field `w`");
    let input = file(&[r#"{"t":"ev","k":"run_end","w":-5,"a":0}"#]);
    assert_err(&input, Some(2), "bad event line");
    let input =
        file(&[r#"{"t":"ev","k":"run_end","w":1,"a":0,"th":70000}"#]);
    assert_err(&input, Some(2), "bad event line");
    let input = file(&[r#"{"t":"ev","k":"run_end","w":1,"a":0"#]);
    assert_err(&input, Some(2), "invalid JSON");
}

#[test]
fn references_to_undefined_things_are_refused() {
    let thread = r#"{"t":"thread","idx":0,"name":"main"}"#;
    let task0 = r#"{"t":"task","idx":0,"tokio_id":1,"name":"main","kind":"block_on"}"#;
    let input = file(&[
        thread,
        task0,
        r#"{"t":"ev","k":"poll_start","w":1,"a":42}"#,
    ]);
    let e = assert_err(&input, Some(4), "refers to task 42");
    assert!(matches!(
        e.kind,
        TraceFileErrorKind::Undefined {
            what: "task",
            index: 42,
            defined: 1,
            ..
        }
    ));
    let (partial, damage) =
        jsonl::read_lenient(&input[..]).expect("header ok");
    assert_eq!(partial.tasks.len(), 1);
    assert_eq!(damage.and_then(|d| d.line), Some(4));

    let input = file(&[r#"{"t":"ev","k":"mark","w":1,"a":0}"#]);
    assert_err(&input, Some(2), "refers to string 0");
    let input = file(&[r#"{"t":"ev","k":"resource_close","w":1,"a":3}"#]);
    assert_err(&input, Some(2), "refers to resource 3");
    let input =
        file(&[thread, r#"{"t":"ev","k":"heartbeat","w":1,"a":3,"th":1}"#]);
    assert_err(&input, Some(3), "refers to thread 1");
    // With no thread defined, thread 0 is implied; a ClockSync's `th` is not a thread.
    let input = file(&[
        r#"{"t":"ev","k":"heartbeat","w":1,"a":3}"#,
        r#"{"t":"ev","k":"clock_sync","w":1,"a":3,"th":9}"#,
    ]);
    assert_eq!(jsonl::read(&input[..]).expect("ok").events.len(), 2);
    // Meaningless flags.
    let input =
        file(&[task0, r#"{"t":"ev","k":"outcome","w":1,"a":0,"f":9}"#]);
    assert_err(&input, Some(3), "unknown flag 9");
}

#[test]
fn definitions_must_be_numbered_in_order() {
    let task = |i: u32| {
        format!(
            r#"{{"t":"task","idx":{i},"tokio_id":1,"name":"t","kind":"task"}}"#
        )
    };
    let input = file(&[&task(0), &task(0)]);
    assert_err(&input, Some(3), "task 0 is defined twice");
    let input = file(&[&task(0), &task(2)]);
    assert_err(&input, Some(3), "task 2 is defined before task 1");
    let input = file(&[r#"{"t":"string","i":1,"s":"x"}"#]);
    assert_err(&input, Some(2), "string 1 is defined before string 0");
}

#[test]
fn definitions_may_come_anywhere_before_their_use() {
    // As an appending recorder would write: definitions interleaved with events, values in
    // two pieces, blank lines, CRLF line ends and no newline at the very end.
    let text = [
        HEADER,
        r#"{"t":"thread","idx":0,"name":"main"}"#,
        r#"{"t":"task","idx":0,"tokio_id":1,"name":"main","kind":"block_on"}"#,
        r#"{"t":"ev","k":"task_spawn","w":5,"a":0}"#,
        "",
        r#"{"t":"values","values":{"x":1}}"#,
        r#"{"t":"string","i":0,"s":"hi"}"#,
        r#"{"t":"ev","k":"mark","w":3,"a":0,"extra":"ignored"}"#,
        r#"{"t":"values","values":{"y":[2]}}"#,
    ]
    .join("\r\n");
    let t = jsonl::read(text.as_bytes()).expect("read");
    assert_eq!(t.events.len(), 2);
    assert_eq!(t.events[1].wall_ns, 3);
    assert_eq!(t.strings, vec!["hi".to_string()]);
    assert_eq!(t.values.len(), 2);
    assert_eq!(t.validate(), Ok(()));
}

#[test]
fn invalid_utf8_line_is_named() {
    let mut input = file(&[r#"{"t":"thread","idx":0,"name":"main"}"#]);
    input.extend_from_slice(
        b"{\"t\":\"string\",\"i\":0,\"s\":\"\xC3\x28\"}\n",
    );
    let e = assert_err(&input, Some(3), "not UTF-8");
    assert!(matches!(e.kind, TraceFileErrorKind::NotUtf8));
    let (partial, _) = jsonl::read_lenient(&input[..]).expect("header ok");
    assert_eq!(partial.threads.len(), 1);
}

#[test]
fn overlong_line_is_refused() {
    let mut input = file(&[]);
    input.extend_from_slice(br#"{"t":"string","i":0,"s":""#);
    input.extend(std::iter::repeat_n(b'x', 2 << 20));
    input.extend_from_slice(b"\"}\n");
    let e = assert_err(&input, Some(2), "longer than 1 MiB");
    assert!(matches!(e.kind, TraceFileErrorKind::LineTooLong));
    // Also as the last line without a newline, and on the first line.
    assert_err(&input[..input.len() - 3], Some(2), "longer than 1 MiB");
    assert_err(&vec![b' '; 2 << 20], Some(1), "longer than 1 MiB");
}

#[test]
fn big_values_are_split_and_oversized_ones_refused() {
    let mut t = Trace::empty(Header::new("big", Clock::Real, 1.0));
    let big = "v".repeat(600 << 10);
    t.values.insert("a".into(), serde_json::json!(big));
    t.values.insert("b".into(), serde_json::json!(big));
    let bytes = to_bytes(&t);
    assert_eq!(bytes.iter().filter(|&&b| b == b'\n').count(), 3);
    assert_eq!(jsonl::read(&bytes[..]).expect("read"), t);

    t.values
        .insert("c".into(), serde_json::json!("v".repeat(2 << 20)));
    let e = jsonl::write(&t, Vec::new())
        .expect_err("a line the reader would refuse");
    assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
    assert!(e.to_string().contains("value \"c\""), "{e}");
}

/// xorshift64: deterministic, no dependency.
struct XorShift(u64);
impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn fuzzed_files_never_panic() {
    let good = to_bytes(&sample());
    let interesting = b"{}[]\":,\n0123456789-.eE\\ \xFF\x80tfn";
    let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
    let (mut ok, mut damaged) = (0, 0);
    for _ in 0..2000 {
        let mut bytes = good.clone();
        for _ in 0..1 + rng.below(4) {
            let i = rng.below(bytes.len());
            match rng.below(5) {
                0 => bytes[i] = rng.next() as u8,
                1 => bytes[i] = interesting[rng.below(interesting.len())],
                2 => bytes[i] ^= 1 << rng.below(8),
                3 => {
                    bytes.remove(i);
                }
                _ => bytes.truncate(i),
            }
            if bytes.is_empty() {
                break;
            }
        }
        // Whatever comes back must be usable: a partial trace is valid, errors print.
        match jsonl::read_lenient(&bytes[..]) {
            Ok((t, damage)) => {
                assert_eq!(t.validate(), Ok(()));
                match damage {
                    None => ok += 1,
                    Some(e) => {
                        damaged += 1;
                        assert!(e.line.is_some());
                        assert!(!e.to_string().is_empty());
                    }
                }
            }
            Err(e) => {
                damaged += 1;
                assert!(!e.to_string().is_empty());
            }
        }
        let _ = jsonl::read(&bytes[..]);
    }
    // The mutations are varied enough to hit both outcomes.
    assert!(ok > 0 && damaged > 0, "ok {ok}, damaged {damaged}");
}
