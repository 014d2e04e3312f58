"""Wrong: plain gather is fail-fast: the stocks error is raised out of it and the other lines
are lost (and gather does not even cancel the other fetches: they run on, unawaited)."""

import asyncio

from asyncscope_kit.dashboard import fetch, run


async def dashboard(sources):
    return await asyncio.gather(*(fetch(source) for source in sources))


run(dashboard)
