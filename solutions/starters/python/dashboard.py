"""Exercise `dashboard_py`: after lesson 03, "Gather: join, try_join, JoinSet".

A dashboard shows three sources: weather (1u), news (1.5u) and stocks (0.8u), and today the
stocks feed fails (`fetch` raises SourceError). Fetch the three together, so the dashboard is
ready in about the time of the slowest source, and return one line per source, in the order
of `sources`: the value, or the error's text (`str(error)`). One broken source must not hide
(or crash) the others.

Check it: `asyncscope check dashboard_py` (or keep `asyncscope watch` running).
"""

import asyncio

from asyncscope_kit.dashboard import SourceError, fetch, run


async def dashboard(sources):
    # TODO: one source at a time, and the first error throws away every other line.
    lines = []
    for source in sources:
        try:
            lines.append(await fetch(source))
        except SourceError as error:
            return [str(error)]
    return lines


run(dashboard)
