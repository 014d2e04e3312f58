"""Reference solution for `dashboard_py`."""

import asyncio

from asyncscope_kit.dashboard import fetch, run


async def dashboard(sources):
    # return_exceptions=True: a failed fetch is one more result, in its slot, and the other
    # fetches go on (Rust's join_all over Results).
    results = await asyncio.gather(*(fetch(s) for s in sources), return_exceptions=True)
    return [str(r) if isinstance(r, Exception) else r for r in results]


run(dashboard)
