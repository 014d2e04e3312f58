"""A correct alternative for `fetch_all_py`: a task per page, each awaited in the order of
`ids` (they all run meanwhile)."""

import asyncio

from asyncscope_kit.fetch_all import fetch_page, run


async def fetch_all(ids):
    tasks = [asyncio.create_task(fetch_page(page_id)) for page_id in ids]
    return [await task for task in tasks]


run(fetch_all)
