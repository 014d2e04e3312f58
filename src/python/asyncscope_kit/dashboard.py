"""Exercise `dashboard_py` (lesson 3): fetch three sources together; one fails, and the others
must still be shown (asyncio's gather(return_exceptions=True)). The Rust kit's world."""

import asyncio

import asyncscope

from asyncscope_kit import _called_at, _settled, _run, _sleep, _value, _wait_on

# Each source: its name, how long it takes (units), whether it answers, and its line.
_SOURCES = (
    ("weather", 1.0, True, "weather: sunny, 21°C"),
    ("news", 1.5, True, "news: 3 new headlines"),
    ("stocks", 0.8, False, "stocks: feed unavailable (503)"),
)


class SourceError(Exception):
    """A source that could not answer; str(error) is the line to show for it."""


def fetch(source):
    """Fetch one source: a coroutine that returns its line, or raises SourceError with what
    went wrong. weather takes 1u, news 1.5u, and stocks fails after 0.8u."""
    return _fetch(source, _called_at())


async def _fetch(source, at):
    for name, units, answers, line in _SOURCES:
        if name == source:
            break
    else:
        raise SourceError("%s: no such source" % source)
    await _wait_on("fetch %s" % source, at, _sleep(units))
    if not answers:
        asyncscope.mark("%s failed" % source)
        raise SourceError(line)
    return line


def run(dashboard):
    """Drive `async def dashboard(sources)` in a task of its own (an exception in it is
    graded, not fatal) and record what the checks need."""

    async def body():
        _value("expected", [line for *_, line in _SOURCES])
        _value("slowest_units", max(units for _, units, _, _ in _SOURCES))
        sources = [s[0] for s in _SOURCES]
        ok, lines = await _settled(asyncio.create_task(dashboard(sources), name="dashboard"))
        if ok:
            _value("lines", lines)

    _run("dashboard", body)
