"""The fixed worlds asyncscope's Python exercises run against (standard library only).

Shipped inside asyncscope and written beside the recorder for each run, like it. Each exercise
has a module here (`fetch_all`, `dashboard`, `bank`): the simulated services the learner's
code calls, and `run(fn)`, which drives the learner's function on the recorded event loop and
records the values the checks compare. Those values are written by this code, from what the
learner's function returned; `asyncscope.value` is refused during an exercise.
"""

import asyncio
import traceback

import asyncscope as _rec


def _value(key, v):
    """Record a graded value (the kit's own writer: the public one is closed in exercises)."""
    _rec._set_value(key, v)


def _called_at():
    """Where in the learner's code the kit was called: file and line, as the trace wants."""
    return _rec._user_frame()


async def _wait_on(label, at, awaitable):
    """Await `awaitable` as a labelled wait: on the timeline from its start to its end (or its
    cancellation), the same `wait` resource a Rust kit's probe::wait_on makes."""
    rec = _rec.REC
    res = None
    if rec is not None and rec.active:
        res = rec.resource("wait", "wait", label, at)
    try:
        return await _rec._noted(res, 0, awaitable)
    finally:
        if res is not None:
            rec.emit("resource_close", res)


def _sleep(units):
    return asyncio.sleep(units * _rec.UNIT)


async def main(body):
    """The exercise's root task (drawn as `main`, as a Rust exercise's is)."""
    await body()


def _run(name, body, limit_units=60.0):
    """Run coroutine function `body` as exercise `name`'s recorded run. Stopped at
    `limit_units` of the virtual clock: a deadlock ends there, with a trace that names it."""
    _rec._kit_run(name, limit_units, lambda: asyncio.run(main(body)))


async def _settled(task):
    """Await a task running the learner's code: an exception in it is graded (the task ends
    `raised`) instead of ending the run, and its traceback is printed as Python would.
    Returns (True, result), or (False, None) when it raised or was cancelled."""
    try:
        return True, await task
    except asyncio.CancelledError:
        if not task.cancelled():
            raise
        return False, None
    except Exception:
        # Out of the learner's function: an exception their code did not handle.
        _rec._escaped(task)
        traceback.print_exc()
        return False, None
