"""Wrong: concurrent, but the pages come back in the order they finish."""

import asyncio

from asyncscope_kit.fetch_all import fetch_page, run


async def fetch_all(ids):
    return [await page for page in asyncio.as_completed([fetch_page(i) for i in ids])]


run(fetch_all)
