"""Wrong: gather(return_exceptions=True) keeps every result, but the failed source's slot holds
the exception object itself, not the text of its error."""

import asyncio

from asyncscope_kit.dashboard import fetch, run


async def dashboard(sources):
    return await asyncio.gather(*(fetch(s) for s in sources), return_exceptions=True)


run(dashboard)
