"""Exercise `fetch_all_py` (lesson 1): fetch ten simulated pages concurrently, results in
input order. The Python twin of the Rust kit: the same pages, the same latencies."""

from asyncscope_kit import _called_at, _run, _sleep, _value, _wait_on


def _latency_units(page_id):
    """0.5u to 1.0u, so pages finish in another order than they were asked for."""
    return 0.5 + ((page_id * 7) % 6) * 0.1


def fetch_page(page_id):
    """Fetch page `page_id` from the simulated network: a coroutine that waits, then returns
    "page {page_id}"."""
    return _fetch_page(page_id, _called_at())


async def _fetch_page(page_id, at):
    await _wait_on("fetch page %d" % page_id, at, _sleep(_latency_units(page_id)))
    return "page %d" % page_id


def run(fetch_all):
    """Drive `async def fetch_all(ids)` with pages 1 to 10 and record what the checks need."""

    async def body():
        ids = list(range(1, 11))
        _value("expected", ["page %d" % i for i in ids])
        _value("slowest_units", max(_latency_units(i) for i in ids))
        got = await fetch_all(ids)
        _value("results", got)

    _run("fetch_all", body)
