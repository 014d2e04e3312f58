"""Wrong: calls fetch_page for every page but awaits none of them: a coroutine does nothing
until it is awaited (or wrapped in a task), so no page is ever fetched."""

from asyncscope_kit.fetch_all import fetch_page, run


async def fetch_all(ids):
    return [fetch_page(page_id) for page_id in ids]


run(fetch_all)
