"""Wrong: asyncio.run inside a coroutine, to "wait" for each page: the event loop is already
running, and asyncio refuses to start a second one in its thread."""

import asyncio

from asyncscope_kit.fetch_all import fetch_page, run


async def fetch_all(ids):
    return [asyncio.run(fetch_page(page_id)) for page_id in ids]


run(fetch_all)
