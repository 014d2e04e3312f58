"""Reference solution for `fetch_all_py`."""

import asyncio

from asyncscope_kit.fetch_all import fetch_page, run


async def fetch_all(ids):
    # Every fetch started at once; gather hands the results back in the order it was given
    # them, whatever order they finish in.
    return await asyncio.gather(*(fetch_page(page_id) for page_id in ids))


run(fetch_all)
