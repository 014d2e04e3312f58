"""Wrong: calls sys.exit(0) once the pages are in, instead of returning them: the program ends
before its run can be handed over."""

import asyncio
import sys

from asyncscope_kit.fetch_all import fetch_page, run


async def fetch_all(ids):
    pages = await asyncio.gather(*(fetch_page(i) for i in ids))
    print(pages)
    sys.exit(0)


run(fetch_all)
