"""Wrong: returns the pages' text without fetching anything (a hard-coded answer)."""

from asyncscope_kit.fetch_all import run


async def fetch_all(ids):
    return ["page %d" % page_id for page_id in ids]


run(fetch_all)
