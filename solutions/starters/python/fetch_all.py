"""Exercise `fetch_all_py`: after lesson 01, "Sync vs async".

Fetch ten pages from a (simulated) slow network. Each `fetch_page` waits 0.5u to 1u. Make the
ten fetches overlap, so the whole thing takes about as long as the slowest one, and return
the pages in the order of `ids`.

Check it: `asyncscope check fetch_all_py` (or keep `asyncscope watch` running).
"""

import asyncio

from asyncscope_kit.fetch_all import fetch_page, run


async def fetch_all(ids):
    # TODO: this waits for each page before asking for the next one.
    pages = []
    for page_id in ids:
        pages.append(await fetch_page(page_id))
    return pages


run(fetch_all)
