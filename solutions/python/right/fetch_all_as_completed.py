"""A correct alternative for `fetch_all_py`: asyncio.as_completed hands the pages back as they
arrive, each with its position, and they are put back in order."""

import asyncio

from asyncscope_kit.fetch_all import fetch_page, run


async def numbered(position, page_id):
    return position, await fetch_page(page_id)


async def fetch_all(ids):
    pages = [None] * len(ids)
    for arrived in asyncio.as_completed([numbered(i, p) for i, p in enumerate(ids)]):
        position, page = await arrived
        pages[position] = page
    return pages


run(fetch_all)
