"""Breakfast: coffee (3u) and toast (2u), one after another or together (argv[1])."""
import asyncio
import sys

import asyncscope

U = asyncscope.UNIT


async def make(what, units):
    asyncscope.mark(f"start {what}")
    await asyncio.sleep(units * U)
    asyncscope.mark(f"{what} ready")
    return what


async def main(mode):
    if mode == "sequential":
        done = [await make("coffee", 3), await make("toast", 2)]
    else:
        coffee = asyncio.create_task(make("coffee", 3), name="coffee")
        toast = asyncio.create_task(make("toast", 2), name="toast")
        done = [await coffee, await toast]
    asyncscope.value("served", done)


asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "together"))
