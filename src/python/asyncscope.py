"""asyncscope's recorder for asyncio programs (standard library only).

`asyncscope py` writes this file into a private folder beside a two-line launcher and runs
`python FOLDER/launch.py FILE ARGS...`: the folder is then first on sys.path, so the program's
`import asyncscope` finds this module (already imported, with the recorder running). The
program's event loop is then recorded in asyncscope's trace format (JSON lines, read by the Rust
side with the same reader as every other trace) on the descriptor asyncscope opened, and how the
program ended is written to a status file in that folder.

For the program itself:
    asyncscope.mark("text")      a labelled moment on the current task's lane
    asyncscope.value(key, v)     a result the run computed, kept in the trace's values
    asyncscope.UNIT              seconds per time unit (asyncscope py --unit-ms; 1.0 by default)
Without asyncscope (plain `python3 FILE`), `import asyncscope` fails: guard it if the program
must run both ways.

How asyncio maps onto the trace (the same event kinds tokio's recorder writes):
- a Task is a task; each run of its step (a handle whose callback is bound to the task) is a
  poll; the call_soon that schedules that handle is a wake, made by the task being polled at
  that moment (or by the loop itself: a timer, I/O, a thread's call_soon_threadsafe);
- how a task ended (returned, raised, cancelled) is its outcome: completed, panicked, cancelled;
- asyncio.sleep and the timers of wait_for / timeout are timer resources; Lock, Semaphore,
  Event, Condition, Queue, Barrier, gather, wait, shield, TaskGroup and thread work are
  resources a task waits on, reported (not ready) at the end of the step in which it blocked;
- run_in_executor / to_thread work is a blocking task polled once on a "blocking N" thread;
- the task asyncio.run starts is the root (kind block_on, drawn as the program's main).
"""

import asyncio
import atexit
import builtins
import concurrent.futures
import functools
import json
import os
import selectors
import sys
import threading
import time
import traceback
import types
import weakref

UNIT = 1.0

_now = time.perf_counter_ns
_get_ident = threading.get_ident
_ASYNCIO_DIR = os.path.dirname(asyncio.__file__)
_THIS_FILE = __file__
# The recorder's folder: the exercises' kit (asyncscope_kit) is written beside it, and its
# frames are no more the program's than the recorder's are.
_THIS_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
_MAX_TRACE = 64 << 20
_FLUSH_EVENTS = 4096
_FLUSH_NS = 50_000_000
# On the virtual clock, how long (wall) to wait for something the loop cannot see coming (a
# thread of the program's own calling call_soon_threadsafe) before calling the run stuck.
_GRACE = 0.2

_OUTCOME_COMPLETED = 0
_OUTCOME_CANCELLED = 1
_OUTCOME_RAISED = 2
_LOCKED, _UNLOCKED, _SENT, _RECEIVED = 0, 1, 2, 3
_WAKE_TIMER, _WAKE_THREAD = 2, 4
_SEND, _RECV = 2, 4

_TASK_TYPES = tuple(
    {asyncio.Task, getattr(asyncio.tasks, "_PyTask", asyncio.Task)}
)
_SLEEP_DONE = asyncio.futures._set_result_unless_cancelled
_RELEASE_WAITER = getattr(asyncio.tasks, "_release_waiter", None)
_TIMEOUT_TYPES = tuple(
    t for t in (getattr(getattr(asyncio, "timeouts", None), "Timeout", None),) if t
)
_get_running_loop = asyncio.events._get_running_loop

# What schedules a task's step: C asyncio's step (and, before 3.10, wake-up) wrapper, its type
# learned on first sight, or a wake-up callback bound to the task. Other bound methods of a task
# (`loop.call_soon(task.cancel)`) are not steps.
_STEP = [None]
_STEP_NAMES = frozenset(("task_wakeup", "__step", "__wakeup", "_Task__step", "_Task__wakeup"))
_STEP_TYPES = frozenset(("TaskStepMethWrapper", "TaskWakeupMethWrapper"))


def _is_step(callback):
    if getattr(callback, "__name__", None) in _STEP_NAMES:
        return True
    if type(callback).__name__ in _STEP_TYPES:
        if type(callback).__name__ == "TaskStepMethWrapper":
            _STEP[0] = type(callback)
        return True
    return False


# The events recorded and not yet written: (kind, perf_counter_ns, a, thread, flag). One list for
# the whole run, appended to from any thread (an append is one step under the GIL).
_EVENTS = []
_ev = _EVENTS.append
_KINDS = (
    "task_spawn poll_start poll_end wake task_close outcome resource_new resource_poll "
    "resource_state resource_close mark heartbeat clock_sync run_end"
).split()
_SHORT = {k: '{"t":"ev","k":"%s","w":%%d,"a":%%d}\n' % k for k in _KINDS}
_FULL = {k: '{"t":"ev","k":"%s","w":%%d,"a":%%d,"th":%%d,"f":%%d}\n' % k for k in _KINDS}


class _TimeLimit(BaseException):
    """Raised out of the event loop when the run reaches its time limit on the virtual clock."""


def _user_frame():
    """file, line of the innermost frame that is the program's (not asyncio's, not ours)."""
    f = sys._getframe(1)
    while f is not None:
        name = f.f_code.co_filename
        if _is_users(name):
            return {"file": name, "line": f.f_lineno, "col": 0}
        f = f.f_back
    return None


def _is_users(filename):
    """Whether code in `filename` is the program's: not asyncio's, the recorder's or the kit's."""
    return not (
        filename.startswith(_ASYNCIO_DIR)
        or filename == _THIS_FILE
        or os.path.abspath(filename).startswith(_THIS_DIR)
    )


def _dumps(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), default=repr)


class _TaskState:
    __slots__ = ("idx", "ref", "notes", "timers", "waited")

    def __init__(self, idx):
        self.idx = idx
        # The weak reference whose callback forgets this state when the task is freed.
        self.ref = None
        # Resources noted by the wrappers being awaited in this step: (resource, flag).
        self.notes = []
        # Timers this task armed (sleep, wait_for, timeout) and that have not fired: _Timer.
        self.timers = []
        # The future the task last blocked on, when it stands for a resource (gather, ...).
        self.waited = None


class _Timer:
    __slots__ = ("res", "handle", "live")

    def __init__(self, res):
        self.res = res
        self.handle = None
        self.live = True


# Every task seen, by id: its state, or _IGNORED. Entries go when the task is freed (a weak
# reference's callback), before its id can be reused; a strong one would keep leaked tasks alive
# and hide the classic bug of a task nobody keeps a reference to.
_STATES = {}
_IGNORED = _TaskState(-1)
# Futures that stand for a resource (gather's, shield's, thread work's): id -> (future, res).
_FUTS = {}


def _track(task, st):
    key = id(task)

    def forget(_ref):
        _STATES.pop(key, None)
        _IGNORED_REFS.pop(key, None)

    ref = weakref.ref(task, forget)
    if st is not _IGNORED:
        st.ref = ref
    else:
        _IGNORED_REFS[key] = ref
    _STATES[key] = st


_IGNORED_REFS = {}


class _Recorder:
    def __init__(self, fd, header, virtual, limit):
        self.fd = fd
        self.t0 = _now()
        self.virtual = virtual
        self.limit = limit
        self.lock = threading.RLock()
        self.defs = [header + "\n"]
        self.values = {}
        self.n_tasks = 0
        self.n_resources = 0
        self.n_blocking_threads = 0
        self.threads = {}
        self.strings = {}
        self.bytes = 0
        self.last_flush = 0
        self.active = fd is not None
        self.loop_ran = False
        self.foreign_policy = None
        self.run_ended = False
        self.timed_out = False
        self.too_big = False
        self.vclock = 0.0
        # Tasks of the program not yet ended: once none is left after the program's end, the
        # loop only runs asyncio's own clean-up, which waits in real time.
        self.alive = 0
        self.thread_idx()

    # ---- definitions (rare: under the lock, numbered in order) ----

    def thread_idx(self, blocking=False):
        ident = _get_ident()
        idx = self.threads.get(ident)
        if idx is None:
            with self.lock:
                idx = len(self.threads)
                if threading.current_thread() is threading.main_thread():
                    name = "main"
                elif blocking:
                    self.n_blocking_threads += 1
                    name = "blocking %d" % self.n_blocking_threads
                else:
                    name = threading.current_thread().name
                self.defs.append(_dumps({"t": "thread", "idx": idx, "name": name}) + "\n")
                self.threads[ident] = idx
        return idx

    def new_task(self, name, tid, kind, at, parent, task=None):
        with self.lock:
            if self.n_tasks == 0 and self.last_flush == 0:
                # Time starts with the program's first task (as a scenario's starts with its
                # runtime), not with the interpreter: what came before is put at 0.
                self.t0 = _now()
                _EVENTS[:] = [(k, self.t0, a, th, f) for k, w, a, th, f in _EVENTS]
            idx = self.n_tasks
            self.n_tasks += 1
            self.defs.append(_TaskDef(idx, name, tid, kind, at, parent, task))
            _ev(("task_spawn", _now(), idx, self.thread_idx(), 0))
        return idx

    def _pending_def(self, idx):
        """Task `idx`'s definition, if it is not written yet (call under the lock)."""
        for d in reversed(self.defs):
            if isinstance(d, _TaskDef) and d.idx == idx:
                return d
        return None

    def mark_probe(self, idx):
        """Make task `idx` part of the measuring (not drawn, never a leak); called as it is
        created, before its definition is written."""
        with self.lock:
            d = self._pending_def(idx)
            if d is not None:
                d.probe = True

    def task_ended(self, idx, task):
        """Fix a task's name while the task is still at hand: one that ends before the next
        flush may be collected by then, and with it the name it was given after creation."""
        with self.lock:
            d = self._pending_def(idx)
            if d is not None:
                d.task = (None, _task_name(task, d.kind == "block_on"))

    def resource(self, concrete, kind, label=None, at=None, duration_ms=None, capacity=None):
        if not self.active:
            return None
        with self.lock:
            idx = self.n_resources
            self.n_resources += 1
            rec = {"t": "resource", "idx": idx, "concrete_type": concrete, "kind": kind}
            if label is not None:
                rec["label"] = label
            if at is not None:
                rec["created_at"] = at
            if duration_ms is not None:
                rec["duration_ms"] = duration_ms
            if capacity is not None:
                rec["capacity"] = capacity
            self.defs.append(_dumps(rec) + "\n")
            _ev(("resource_new", _now(), idx, self.thread_idx(), 0))
        return idx

    def string_idx(self, text):
        idx = self.strings.get(text)
        if idx is None:
            with self.lock:
                idx = len(self.strings)
                self.strings[text] = idx
                self.defs.append(_dumps({"t": "string", "i": idx, "s": text}) + "\n")
        return idx

    # ---- events ----

    def emit(self, kind, a, flag=0):
        if self.active and a is not None:
            _ev((kind, _now(), a, self.thread_idx(), flag))

    def clock_sync(self, seconds):
        ns = min(int(round(seconds * 1e9)), (1 << 48) - 1)
        _ev(("clock_sync", _now(), ns & 0xFFFFFFFF, ns >> 32, 0))

    def run_end(self, timed_out):
        # A run stopped at its limit stays stopped; the ends of later asyncio.run calls count.
        if self.timed_out:
            return
        self.run_ended = True
        self.timed_out = timed_out
        if self.active:
            # On the loop's thread's lane (the watchdog's own thread is no part of the run).
            _ev(("run_end", _now(), 0, 0, 1 if timed_out else 0))

    # ---- writing ----

    def flush(self):
        if not self.active:
            return
        with self.lock:
            # Slices and `del` are single steps under the GIL: events other threads append
            # meanwhile stay for the next flush.
            n = len(self.defs)
            defs = self.defs[:n]
            del self.defs[:n]
            n = len(_EVENTS)
            evs = _EVENTS[:n]
            del _EVENTS[:n]
            parts = [d if isinstance(d, str) else d.render() for d in defs]
            t0 = self.t0
            short, full = _SHORT, _FULL
            for k, w, a, th, f in evs:
                if th or f:
                    parts.append(full[k] % (w - t0, a, th, f))
                else:
                    parts.append(short[k] % (w - t0, a))
            if self.values:
                parts.append(_dumps({"t": "values", "values": self.values}) + "\n")
                self.values = {}
            data = "".join(parts).encode("utf-8", "backslashreplace")
            self.last_flush = _now()
            if not data:
                return
            self.bytes += len(data)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(self.fd, view):]
            except OSError:
                self.active = False
                return
            if self.bytes > _MAX_TRACE:
                self.too_big = True
                self.run_end(True)
                self._write_end()
                self.active = False
                _write_status({"end": "trace_too_big", "limit": _MAX_TRACE})
                os._exit(125)

    def _write_end(self):
        n = len(_EVENTS)
        evs = _EVENTS[:n]
        del _EVENTS[:n]
        data = "".join(
            _FULL[k] % (w - self.t0, a, th, f) for k, w, a, th, f in evs
        ).encode()
        try:
            os.write(self.fd, data)
        except OSError:
            pass


class _TaskDef:
    """A task's definition, written at the next flush: `asyncio.create_task(coro, name=...)`
    names the task only after creating it."""

    __slots__ = ("idx", "tid", "kind", "at", "parent", "task", "probe")

    def __init__(self, idx, name, tid, kind, at, parent, task):
        self.idx, self.tid, self.kind, self.at, self.parent = idx, tid, kind, at, parent
        self.task = (task, name)
        self.probe = False

    def render(self):
        ref, name = self.task
        task = ref() if ref is not None else None
        if task is not None:
            name = _task_name(task, self.kind == "block_on")
        rec = {"t": "task", "idx": self.idx, "tokio_id": self.tid, "name": name, "kind": self.kind}
        if self.at is not None:
            rec["spawned_at"] = self.at
        if self.parent is not None:
            rec["parent"] = self.parent
        if self.probe:
            rec["probe"] = True
        return _dumps(rec) + "\n"


REC = None
_STATUS_PATH = None


def _write_status(status):
    if _STATUS_PATH is None:
        return
    rec = REC
    if rec is not None:
        status.setdefault("loop", rec.loop_ran)
        if rec.foreign_policy:
            status.setdefault("policy", rec.foreign_policy)
        status.setdefault("timed_out", rec.timed_out)
    if _KIT:
        status.setdefault("kit", dict(_KIT))
    tmp = _STATUS_PATH + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(_dumps(status))
    os.replace(tmp, _STATUS_PATH)


# ---- what a learner calls -----------------------------------------------------------------


def mark(text):
    """A labelled moment on the lane of the task running now (or of the thread, outside one)."""
    rec = REC
    if rec is not None and rec.active:
        rec.emit("mark", rec.string_idx(str(text)))


def heartbeat(period=0.01):
    """Start the heartbeat probe from inside the program: a hidden task that sleeps `period`
    seconds in a loop and records how late each tick came, in wall time, so the timeline can
    say how long something held the loop (on the virtual clock, a tick should come at once:
    its lag is the wall time its sleep took while the loop was not waiting for anything)."""
    rec = REC
    if rec is None or not rec.active:
        return None
    loop = asyncio.get_running_loop()
    task = loop.create_task(_heartbeat(loop, period), name="heartbeat")
    st = _STATES.get(id(task))
    if st is not None and st is not _IGNORED:
        rec.mark_probe(st.idx)
    return task


async def _heartbeat(loop, period):
    rec = REC
    while not rec.run_ended:
        start, idle = _now(), getattr(loop, "_as_idle_ns", 0)
        await asyncio.sleep(period)
        took = _now() - start
        if rec.virtual:
            lag = took - (getattr(loop, "_as_idle_ns", 0) - idle)
        else:
            lag = took - int(period * 1e9)
        rec.emit("heartbeat", min(max(lag, 0) // 1000, 0xFFFFFFFF))


def value(key, v):
    """Keep a value the run computed (a counter's final value, the order results came in)."""
    if _EXERCISE is not None:
        # What an exercise is graded on is recorded by its kit, from what your code returned.
        raise RuntimeError(
            "asyncscope.value is not available in an exercise: the kit records what is graded"
        )
    _set_value(key, v)


def _set_value(key, v):
    rec = REC
    if rec is not None:
        with rec.lock:
            rec.values[str(key)] = v


# ---- for the exercises' kit (asyncscope_kit) ----------------------------------------------

# The exercise being graded (`asyncscope check`), else None.
_EXERCISE = None
# The kit's run: {"name": exercise, "state": "started" | "finished"}, said in the status.
_KIT = {}


def _kit_run(name, limit_units, go):
    """Run an exercise's recorded run (`go`), stopped at `limit_units` of the virtual clock."""
    rec = REC
    if rec is not None:
        rec.limit = min(rec.limit, limit_units * UNIT)
    _KIT.update(name=name, state="started")
    go()
    # Tasks still referenced whose exception nobody ever asked for escaped too.
    for st in list(_STATES.values()):
        task = st.ref() if st.ref is not None else None
        if task is not None and task.done() and not task.cancelled():
            if getattr(task, "_log_traceback", False):
                _ESCAPED.add(st.idx)
    # Which raised tasks count as crashes: graded by `no_panics` (a task that raised and
    # handed its exception to an awaiting task is an error returned, as a Rust Err is).
    _set_value(ESCAPED_KEY, sorted(_ESCAPED))
    _KIT["state"] = "finished"


# The tasks (trace indices) whose exception escaped the program: never retrieved, or raised
# out of the learner's function into the kit.
_ESCAPED = set()
ESCAPED_KEY = "exceptions_escaped"


def _escaped(task):
    """Task `task`'s exception was not handled by the program."""
    st = _STATES.get(id(task))
    if st is not None and st is not _IGNORED:
        _ESCAPED.add(st.idx)


def _labelled_lock(label):
    """An asyncio.Lock drawn under `label` (the kit's accounts: "account A")."""
    lock = asyncio.locks.Lock.__new__(Lock)
    asyncio.locks.Lock.__init__(lock)
    lock._as_res = REC.resource("Lock", "Sync", label) if REC is not None and REC.active else None
    return lock


# ---- the event loop -----------------------------------------------------------------------


def _task_number(task):
    name = task.get_name()
    if name.startswith("Task-") and name[5:].isdigit():
        return int(name[5:])
    return 0


def _task_name(task, root):
    """The name it was given, or its coroutine's with asyncio's number ("fetch #3" for an
    unnamed Task-3: three lanes of `fetch` stay apart); the root is its coroutine's name."""
    name = task.get_name()
    if not (name.startswith("Task-") and name[5:].isdigit()):
        return name
    coro = task.get_coro()
    qual = getattr(coro, "__qualname__", None) or type(coro).__name__
    # A wait asyncio wraps in a task of its own (`wait_for(q.get(), …)` on 3.11) runs one of
    # the recorder's methods: name it after the class the learner used.
    for mixin, shown in (("_QueueMixin.", "Queue."), ("_SemaphoreMixin.", "Semaphore.")):
        if qual.startswith(mixin):
            qual = shown + qual[len(mixin):]
    return qual if root else "%s #%s" % (qual, name[5:])


# How long one step may hold the loop before an exercise's watchdog says where: far past any
# step an exercise needs, and before any exercise's time limit.
_STUCK_AFTER_NS = 3_000_000_000
# How the watchdog's line on stderr starts; the rest is JSON: task, at ("file:line"), seconds.
_STUCK_LINE = "asyncscope: stuck in one step: "


def _watch_steps(loop, loop_thread):
    """From a thread of its own: once one step has held the loop for _STUCK_AFTER_NS, say on
    stderr which task it is and which line of the program it is on. The run goes on until its
    time limit stops it; then the runner tells the learner."""
    seen = None  # (task state, steps taken, since)
    while not loop.is_closed():
        time.sleep(0.2)
        st, steps = loop._as_current, loop._as_steps
        if st is None or seen is None or seen[0] is not st or seen[1] != steps:
            seen = None if st is None else (st, steps, _now())
            continue
        held = _now() - seen[2]
        if held < _STUCK_AFTER_NS:
            continue
        task = st.ref() if st.ref is not None else None
        name = _task_name(task, st.idx in _ROOTS) if task is not None else "task %d" % st.idx
        frame = sys._current_frames().get(loop_thread)
        while frame is not None and not _is_users(frame.f_code.co_filename):
            frame = frame.f_back
        at = None
        if frame is not None:
            at = "%s:%d" % (os.path.basename(frame.f_code.co_filename), frame.f_lineno)
        report = {"task": name, "at": at, "seconds": held / 1e9}
        sys.stderr.write(_STUCK_LINE + json.dumps(report) + "\n")
        sys.stderr.flush()
        return


def _current_state():
    loop = _get_running_loop()
    return getattr(loop, "_as_current", None)


_select = selectors.DefaultSelector.select


class _Selector(selectors.DefaultSelector):
    """The loop's selector: flushes the trace whenever the loop is about to wait, and on the
    virtual clock moves time to the next timer instead of waiting for it."""

    _as_loop = None

    def _as_idle(self, timeout):
        """Wait on the virtual clock for what the loop cannot see coming; the wall time spent
        is the loop idling, which the heartbeat does not count as lag."""
        start = _now()
        try:
            return super().select(timeout)
        finally:
            loop = self._as_loop
            loop._as_idle_ns = getattr(loop, "_as_idle_ns", 0) + _now() - start

    def select(self, timeout=None):
        if timeout == 0:
            return _select(self, 0)
        rec = REC
        loop = self._as_loop
        if loop is None or rec is None:
            return super().select(timeout)
        rec.flush()
        if not rec.virtual or (rec.run_ended and not rec.timed_out and rec.alive == 0):
            # Real time, or asyncio.run's clean-up after the program (3.12's wait for the
            # default executor's threads has a timer of 300 s that must not jump).
            return super().select(timeout)
        ready = super().select(0)
        if ready:
            return ready
        jobs = loop._as_jobs
        if jobs:
            jobs[:] = [f for f in jobs if not f.done()]
            if jobs:
                # Time stands still while thread work runs (as tokio's paused clock waits
                # for spawn_blocking): wait for it to hand its result back.
                return self._as_idle(None)
        if timeout is None:
            if len(self.get_map()) > 1:
                return self._as_idle(None)  # the program's own I/O
            ready = self._as_idle(_GRACE)
            if ready or loop._ready:
                return ready
            loop._as_stop_at_limit()
        target = rec.vclock + timeout
        scheduled = getattr(loop, "_scheduled", None)
        if scheduled:
            target = max(rec.vclock, scheduled[0].when())
        if target > rec.limit:
            loop._as_stop_at_limit()
        if target > rec.vclock:
            rec.vclock = target
            rec.clock_sync(target)
        return []


class _Loop(asyncio.SelectorEventLoop):
    def __init__(self, selector=None):
        sel = selector if selector is not None else _Selector()
        super().__init__(sel)
        if isinstance(sel, _Selector):
            sel._as_loop = self
        self._as_current = None
        self._as_th = 0
        self._as_jobs = []
        # While a timer's or another thread's callback runs: the wake flag it gives.
        self._as_via = 0
        # Bound once: call_soon hands it to every step.
        self._as_stepper = self._as_step
        # Steps taken so far: the watchdog tells one long step from many short ones.
        self._as_steps = 0
        self._as_watched = False

    def time(self):
        rec = REC
        if rec is not None and rec.virtual:
            return rec.vclock
        return time.monotonic()

    def _as_stop_at_limit(self):
        rec = REC
        if rec.vclock < rec.limit:
            rec.vclock = rec.limit
            rec.clock_sync(rec.limit)
        rec.run_end(True)
        raise _TimeLimit()

    def run_forever(self):
        rec = REC
        if rec is not None:
            self._as_th = rec.thread_idx()
            rec.loop_ran = True
            if _EXERCISE is not None and not self._as_watched:
                self._as_watched = True
                threading.Thread(
                    target=_watch_steps,
                    args=(self, threading.get_ident()),
                    name="asyncscope-watchdog",
                    daemon=True,
                ).start()
        return super().run_forever()

    def run_until_complete(self, future):
        # The program's run ends when a root task (asyncio.run's main) is done; asyncio.run's
        # clean-up (cancelling what is left) comes after, as tokio's shutdown does.
        before = len(_ROOTS)
        st = _STATES.get(id(future)) if isinstance(future, _TASK_TYPES) else None
        root = st is not None and st.idx in _ROOTS
        try:
            return super().run_until_complete(future)
        finally:
            if REC is not None and (root or len(_ROOTS) > before):
                REC.run_end(False)

    def call_soon(self, callback, *args, context=None):
        # The hot path: every step of every task comes through here once.
        task = getattr(callback, "__self__", None)
        if (
            task is not None
            and isinstance(task, _TASK_TYPES)
            and REC.active
            and (type(callback) is _STEP[0] or _is_step(callback))
        ):
            st = _STATES.get(id(task))
            if st is None:
                st = self._as_new_task(task)
            elif st is not _IGNORED:
                _ev(("wake", _now(), st.idx, self._as_th, self._as_via))
            if st is not _IGNORED and not self._debug:
                # BaseEventLoop.call_soon's own work without its debug checks (debug mode
                # takes the full path below): one Python call less on every step.
                if self._closed:
                    raise RuntimeError("Event loop is closed")
                return self._call_soon(self._as_stepper, (callback, st, task) + args, context)
            if st is not _IGNORED:
                return _call_soon(
                    self, self._as_stepper, callback, st, task, *args, context=context
                )
        return _call_soon(self, callback, *args, context=context)

    def _as_new_task(self, task):
        rec = REC
        coro = task.get_coro()
        parent = self._as_current
        root = parent is None and not self.is_running()
        code = getattr(coro, "cr_code", None) or getattr(coro, "gi_code", None)
        if (
            not rec.active
            or root
            and code is not None
            and code.co_filename.startswith(_ASYNCIO_DIR)
        ):
            # asyncio.run's own clean-up tasks (shutdown_asyncgens, ...): not the program's.
            _track(task, _IGNORED)
            return _IGNORED
        idx = rec.new_task(
            _task_name(task, root),
            _task_number(task) or rec.n_tasks + 1,
            "block_on" if root else "task",
            _user_frame(),
            parent.idx if parent is not None else None,
            weakref.ref(task),
        )
        if root:
            _ROOTS.append(idx)
        rec.alive += 1
        st = _TaskState(idx)
        _track(task, st)
        return st

    def _as_step(self, callback, st, task, *args):
        """One step of a task: a poll, and what it left the task waiting on."""
        th = self._as_th
        prev = self._as_current
        self._as_current = st
        self._as_steps += 1
        if st.waited is not None:
            self._as_wait_over(st, th)
        _ev(("poll_start", _now(), st.idx, th, 0))
        try:
            callback(*args)
        finally:
            self._as_current = prev
            # Most steps end with the task rescheduled (a bare yield) or blocked on a plain
            # future: one event. The rest (a task done, a wait to name) take the slow path.
            if (
                task.done()
                or task._fut_waiter is not None
                and (st.notes or st.timers or id(task._fut_waiter) in _FUTS)
            ):
                self._as_step_ended(task, st, th)
            else:
                _ev(("poll_end", _now(), st.idx, th, 0))
            # Written in batches, and at least every 50 ms (the loop also writes whenever it
            # is about to wait), so a run stopped from outside loses little.
            if len(_EVENTS) >= _FLUSH_EVENTS or _now() - REC.last_flush > _FLUSH_NS:
                REC.flush()

    def _as_wait_over(self, st, th):
        entry = _FUTS.pop(st.waited, None)
        st.waited = None
        if entry is not None:
            _ev(("resource_close", _now(), entry[1], th, 0))

    def _as_step_ended(self, task, st, th):
        if task.done():
            if task.cancelled():
                flag = _OUTCOME_CANCELLED
            elif task._exception is not None:
                flag = _OUTCOME_RAISED
            else:
                flag = _OUTCOME_COMPLETED
            _ev(("outcome", _now(), st.idx, th, flag))
            _ev(("poll_end", _now(), st.idx, th, 0))
            REC.task_ended(st.idx, task)
            REC.alive -= 1
            for timer in st.timers:
                if timer.live:
                    timer.live = False
                    _ev(("resource_close", _now(), timer.res, th, 0))
            st.timers = []
            _ev(("task_close", _now(), st.idx, th, 0))
            return
        # Blocked: say on what, inside the poll, as tokio's resources do.
        for res, flag in st.notes:
            _ev(("resource_poll", _now(), res, th, flag))
        waiter = task._fut_waiter
        entry = _FUTS.get(id(waiter))
        if entry is not None:
            st.waited = id(waiter)
            _ev(("resource_poll", _now(), entry[1], th, 0))
        if st.timers:
            live = []
            for timer in st.timers:
                if timer.live and not timer.handle.cancelled():
                    live.append(timer)
                    _ev(("resource_poll", _now(), timer.res, th, 0))
                elif timer.live:
                    timer.live = False
                    _ev(("resource_close", _now(), timer.res, th, 0))
            st.timers = live
        _ev(("poll_end", _now(), st.idx, th, 0))

    def call_at(self, when, callback, *args, context=None):
        rec = REC
        if not rec.active:
            return _call_at(self, when, callback, *args, context=context)
        st = self._as_current
        timer = None
        if st is not None:
            if callback is _SLEEP_DONE:
                concrete = "Sleep"
            elif callback is _RELEASE_WAITER or isinstance(
                getattr(callback, "__self__", None), _TIMEOUT_TYPES
            ):
                concrete = "Timeout"
            else:
                concrete = None
            if concrete is not None:
                ms = max(0, int(round((when - self.time()) * 1000)))
                timer = _Timer(rec.resource(concrete, "timer", None, _user_frame(), ms))
        handle = _call_at(self, when, self._as_fire, timer, callback, *args, context=context)
        if timer is not None:
            timer.handle = handle
            st.timers.append(timer)
        return handle

    def _as_fire(self, timer, callback, *args):
        """A timer's callback: what it wakes was woken by a timer."""
        if timer is not None and timer.live:
            timer.live = False
            REC.emit("resource_close", timer.res)
        self._as_via = _WAKE_TIMER
        try:
            callback(*args)
        finally:
            self._as_via = 0

    def call_exception_handler(self, context):
        # asyncio's word for an exception nobody handled: a task freed with it unretrieved.
        task = context.get("future")
        if isinstance(task, _TASK_TYPES) and "never retrieved" in str(context.get("message")):
            _escaped(task)
        return super().call_exception_handler(context)

    def call_soon_threadsafe(self, callback, *args, context=None):
        if REC is None or not REC.active:
            return super().call_soon_threadsafe(callback, *args, context=context)
        return super().call_soon_threadsafe(
            self._as_from_thread, callback, *args, context=context
        )

    def _as_from_thread(self, callback, *args):
        """A callback another thread handed over: what it wakes was woken by a thread."""
        self._as_via = _WAKE_THREAD
        try:
            callback(*args)
        finally:
            self._as_via = 0

    def run_in_executor(self, executor, func, *args):
        rec = REC
        # Only threads are recorded: a process pool's workers run without the recorder (and
        # could not unpickle the wrapper).
        threads = executor is None or isinstance(executor, concurrent.futures.ThreadPoolExecutor)
        if rec is None or not rec.active or not threads:
            return super().run_in_executor(executor, func, *args)
        name = _callable_name(func)
        parent = self._as_current
        idx = rec.new_task(
            name,
            rec.n_tasks + 1,
            "blocking",
            _user_frame(),
            parent.idx if parent is not None else None,
        )
        try:
            fut = super().run_in_executor(executor, functools.partial(_job, idx, func, *args))
        except BaseException:
            rec.emit("outcome", idx, _OUTCOME_CANCELLED)
            rec.emit("task_close", idx)
            raise
        self._as_jobs.append(fut)
        res = rec.resource("wait", "wait", "%s in a thread" % name)
        _FUTS[id(fut)] = (fut, res)
        return fut


_call_soon = asyncio.base_events.BaseEventLoop.call_soon
_call_at = asyncio.base_events.BaseEventLoop.call_at
_ROOTS = []


def _callable_name(func):
    # to_thread hands over functools.partial(context.run, func, *args).
    while isinstance(func, functools.partial):
        inner = func.func
        if getattr(inner, "__name__", "") == "run" and func.args:
            func = func.args[0]
        else:
            func = inner
    return getattr(func, "__qualname__", None) or getattr(func, "__name__", None) or repr(func)


def _job(idx, func, *args):
    """Thread work, run on an executor thread: one poll of a blocking task."""
    rec = REC
    th = rec.thread_idx(blocking=True)
    _ev(("poll_start", _now(), idx, th, 0))
    flag = _OUTCOME_RAISED
    try:
        result = func(*args)
        flag = _OUTCOME_COMPLETED
        return result
    finally:
        _ev(("outcome", _now(), idx, th, flag))
        _ev(("poll_end", _now(), idx, th, 0))
        _ev(("task_close", _now(), idx, th, 0))


# ---- what a task waits on -----------------------------------------------------------------


async def _noted(res, flag, awaitable):
    """Await `awaitable` as a wait on resource `res`: a step that blocks in it says so."""
    st = _current_state()
    if st is None or res is None or not REC.active:
        return await awaitable
    note = (res, flag)
    st.notes.append(note)
    try:
        return await awaitable
    finally:
        st.notes.remove(note)


def _res(obj, concrete, kind="Sync", label=None, capacity=None):
    """Make `obj` a resource of the trace, unless asyncio made it for itself (a Queue's Event,
    a Condition's Lock): those are not what the program waits on."""
    caller = sys._getframe(2).f_code.co_filename
    if caller.startswith(_ASYNCIO_DIR) or not REC.active:
        obj._as_res = None
    else:
        obj._as_res = REC.resource(concrete, kind, label, _user_frame(), None, capacity)


class Lock(asyncio.locks.Lock):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _res(self, "Lock")

    async def acquire(self):
        result = await _noted(self._as_res, 0, super().acquire())
        REC.emit("resource_state", self._as_res, _LOCKED)
        return result

    def release(self):
        super().release()
        REC.emit("resource_state", self._as_res, _UNLOCKED)


class _SemaphoreMixin:
    async def acquire(self):
        return await _noted(self._as_res, 0, super().acquire())


class Semaphore(_SemaphoreMixin, asyncio.locks.Semaphore):
    def __init__(self, value=1, *args, **kwargs):
        super().__init__(value, *args, **kwargs)
        _res(self, "Semaphore", label="of %s" % (value,))


class BoundedSemaphore(_SemaphoreMixin, asyncio.locks.BoundedSemaphore):
    def __init__(self, value=1, *args, **kwargs):
        super().__init__(value, *args, **kwargs)
        _res(self, "BoundedSemaphore", label="of %s" % (value,))


class Event(asyncio.locks.Event):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _res(self, "Event")

    async def wait(self):
        return await _noted(self._as_res, 0, super().wait())


class Condition(asyncio.locks.Condition):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _res(self, "Condition")

    async def wait(self):
        return await _noted(self._as_res, 0, super().wait())


class _QueueMixin:
    async def get(self):
        return await _noted(self._as_res, _RECV, super().get())

    async def put(self, item):
        return await _noted(self._as_res, _SEND, super().put(item))

    def get_nowait(self):
        item = super().get_nowait()
        REC.emit("resource_state", self._as_res, _RECEIVED)
        return item

    def put_nowait(self, item):
        super().put_nowait(item)
        REC.emit("resource_state", self._as_res, _SENT)


def _queue_class(base):
    def __init__(self, maxsize=0, *args, **kwargs):
        base.__init__(self, maxsize, *args, **kwargs)
        _res(self, base.__name__, "channel", None, maxsize if maxsize > 0 else None)

    return type(base.__name__, (_QueueMixin, base), {"__init__": __init__})


Queue = _queue_class(asyncio.queues.Queue)
PriorityQueue = _queue_class(asyncio.queues.PriorityQueue)
LifoQueue = _queue_class(asyncio.queues.LifoQueue)

_ORIG = {}


def _wait_resource(label):
    return REC.resource("wait", "wait", label, _user_frame())


def gather(*aws, return_exceptions=False):
    fut = _ORIG["gather"](*aws, return_exceptions=return_exceptions)
    if REC.active and _current_state() is not None:
        _FUTS[id(fut)] = (fut, _wait_resource("gather of %d" % len(aws)))
    return fut


def shield(arg):
    fut = _ORIG["shield"](arg)
    if REC.active and _current_state() is not None and not fut.done():
        _FUTS[id(fut)] = (fut, _wait_resource("shield"))
    return fut


async def wait(fs, *args, **kwargs):
    label = "wait for %d" % len(fs) if hasattr(fs, "__len__") else "wait"
    res = _wait_resource(label) if REC.active else None
    return await _noted(res, 0, _ORIG["wait"](fs, *args, **kwargs))


async def wait_for(fut, timeout, *args, **kwargs):
    label = "wait_for" if timeout is None else "wait_for (timeout %s s)" % (timeout,)
    res = _wait_resource(label) if REC.active else None
    return await _noted(res, 0, _ORIG["wait_for"](fut, timeout, *args, **kwargs))


def _set_event_loop_policy(policy):
    if policy is not None and not isinstance(policy, asyncio.DefaultEventLoopPolicy):
        REC.foreign_policy = "%s.%s" % (type(policy).__module__, type(policy).__qualname__)
    return _ORIG["set_event_loop_policy"](policy)


def _install():
    """Make asyncio's own names give the recorded versions (before the program imports them)."""
    asyncio.DefaultEventLoopPolicy._loop_factory = _Loop
    for mod in (asyncio, getattr(asyncio, "unix_events", None)):
        if mod is not None and hasattr(mod, "SelectorEventLoop"):
            mod.SelectorEventLoop = _Loop
    for name, cls in (
        ("Lock", Lock),
        ("Semaphore", Semaphore),
        ("BoundedSemaphore", BoundedSemaphore),
        ("Event", Event),
        ("Condition", Condition),
    ):
        setattr(asyncio, name, cls)
        setattr(asyncio.locks, name, cls)
    for name, cls in (("Queue", Queue), ("PriorityQueue", PriorityQueue), ("LifoQueue", LifoQueue)):
        setattr(asyncio, name, cls)
        setattr(asyncio.queues, name, cls)
    if hasattr(asyncio, "Barrier"):

        class Barrier(asyncio.locks.Barrier):
            def __init__(self, parties, *args, **kwargs):
                super().__init__(parties, *args, **kwargs)
                _res(self, "Barrier", label="of %d" % parties)

            async def wait(self):
                return await _noted(self._as_res, 0, super().wait())

        asyncio.Barrier = asyncio.locks.Barrier = Barrier
    if hasattr(asyncio, "TaskGroup"):

        class TaskGroup(asyncio.taskgroups.TaskGroup):
            async def __aexit__(self, et, exc, tb):
                res = _wait_resource("TaskGroup") if REC.active else None
                return await _noted(res, 0, super().__aexit__(et, exc, tb))

        asyncio.TaskGroup = asyncio.taskgroups.TaskGroup = TaskGroup
    # Only the public names: asyncio's own uses (asyncio.run's clean-up gather) stay as they are.
    waits = (("gather", gather), ("shield", shield), ("wait", wait), ("wait_for", wait_for))
    for name, fn in waits:
        _ORIG[name] = getattr(asyncio, name)
        setattr(asyncio, name, fn)
    _ORIG["set_event_loop_policy"] = asyncio.set_event_loop_policy
    asyncio.set_event_loop_policy = asyncio.events.set_event_loop_policy = _set_event_loop_policy


def _watchdog(limit, done):
    if done.wait(limit):
        return
    rec = REC
    with rec.lock:
        rec.run_end(True)
        rec.flush()
        _write_status({"end": "time_limit", "timed_out": True})
        os._exit(124)


def _print_traceback(e):
    """The traceback Python would print, without the recorder's own frames (the loop's
    wrappers sit between asyncio's frames and say nothing about the program)."""
    report = traceback.TracebackException(type(e), e, e.__traceback__.tb_next)
    seen = set()
    todo = [report]
    while todo:
        r = todo.pop()
        if id(r) in seen:
            continue
        seen.add(id(r))
        r.stack = traceback.StackSummary.from_list(
            [f for f in r.stack if f.filename != _THIS_FILE]
        )
        todo.extend(x for x in (r.__cause__, r.__context__) if x is not None)
    sys.stderr.write("".join(report.format()))


def _raised_at(e):
    """file, line of the innermost frame of the program's that the exception went through."""
    at = None
    tb = e.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if _is_users(name):
            at = (name, tb.tb_lineno)
        tb = tb.tb_next
    return at


def _exit_code(code):
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def _main():
    global REC, _STATUS_PATH, UNIT, _EXERCISE
    env = os.environ
    _EXERCISE = env.pop("ASYNCSCOPE_EXERCISE", None)
    fd = int(env.pop("ASYNCSCOPE_TRACE_FD"))
    _STATUS_PATH = env.pop("ASYNCSCOPE_STATUS")
    header = env.pop("ASYNCSCOPE_HEADER")
    virtual = env.pop("ASYNCSCOPE_VIRTUAL", "0") == "1"
    limit = float(env.pop("ASYNCSCOPE_TIME_LIMIT", "30"))
    UNIT = float(env.pop("ASYNCSCOPE_UNIT", "1"))
    os.set_inheritable(fd, False)
    try:
        # A wider pipe (Linux): the loop hands a batch over and goes on, instead of waiting for
        # asyncscope to be scheduled and read it, which on a busy machine can take milliseconds.
        import fcntl

        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except (ImportError, OSError):
        pass

    REC = _Recorder(fd, header, virtual, limit)
    _install()
    done = threading.Event()
    threading.Thread(
        target=_watchdog, args=(limit, done), name="asyncscope-time-limit", daemon=True
    ).start()

    script = sys.argv[1]
    sys.argv = sys.argv[1:]
    try:
        # The exercises' kit, imported while this folder is still on the path: the program's
        # own `from asyncscope_kit.fetch_all import ...` then finds it (and no file of the
        # program's named asyncscope_kit stands in for it).
        import asyncscope_kit  # noqa: F401
    except ImportError:
        pass
    sys.path[0] = os.path.dirname(os.path.abspath(script))
    status = {"end": "returned"}
    code = 0
    try:
        with open(script, "rb") as f:
            source = f.read()
        compiled = compile(source, script, "exec", dont_inherit=True)
    except OSError as e:
        status = {"end": "unreadable", "message": e.strerror or str(e)}
        compiled = None
        code = 1
    except (SyntaxError, ValueError) as e:
        traceback.print_exception(type(e), e, None)
        status = {"end": "syntax_error", "type": type(e).__name__, "message": str(e)}
        if isinstance(e, SyntaxError):
            status.update(message=e.msg, file=e.filename, line=e.lineno)
        compiled = None
        code = 1
    if compiled is not None:
        main = types.ModuleType("__main__")
        main.__file__ = script
        main.__builtins__ = builtins
        sys.modules["__main__"] = main
        try:
            exec(compiled, main.__dict__)
        except SystemExit as e:
            code = _exit_code(e.code)
            status = {"end": "exit", "code": code}
        except _TimeLimit:
            status = {"end": "time_limit"}
            code = 124
        except BaseException as e:
            _print_traceback(e)
            status = {"end": "raised", "type": type(e).__qualname__, "message": str(e)}
            at = _raised_at(e)
            if at is not None:
                status.update(file=at[0], line=at[1])
            code = 1
    REC.flush()
    _write_status(status)

    def at_exit():
        # After the interpreter joined the executor threads: their last events, then the
        # time limit no longer applies.
        REC.flush()
        done.set()

    atexit.register(at_exit)
    sys.exit(code)
