"""A correct alternative for `dashboard_py`: a task per source, each awaited in turn inside its
own try, so one source's error is caught where it belongs."""

import asyncio

from asyncscope_kit.dashboard import SourceError, fetch, run


async def dashboard(sources):
    tasks = [asyncio.create_task(fetch(source)) for source in sources]
    lines = []
    for task in tasks:
        try:
            lines.append(await task)
        except SourceError as error:
            lines.append(str(error))
    return lines


run(dashboard)
