"""Three fetches (Database 2u, API 1.5u, Cache 0.5u): one after another, or together (gather)."""
import asyncio
import sys

import asyncscope

U = asyncscope.UNIT
SOURCES = [("Database", 2.0), ("API", 1.5), ("Cache", 0.5)]
finished = []


async def fetch(name, units):
    await asyncio.sleep(units * U)
    finished.append(name)
    return f"{name} data"


async def main(mode):
    if mode == "sequential":
        results = [await fetch(name, units) for name, units in SOURCES]
    else:
        results = await asyncio.gather(*(fetch(name, units) for name, units in SOURCES))
    asyncscope.value("results", results)
    asyncscope.value("finished", finished)


asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "concurrent"))
