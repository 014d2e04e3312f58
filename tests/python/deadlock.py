"""Two tasks take two locks in opposite order: neither can go on, and no timer is pending."""
import asyncio

import asyncscope

U = asyncscope.UNIT


async def worker(first, second):
    async with first:
        await asyncio.sleep(1 * U)
        async with second:
            pass


async def main():
    a, b = asyncio.Lock(), asyncio.Lock()
    await asyncio.gather(
        asyncio.create_task(worker(a, b), name="left"),
        asyncio.create_task(worker(b, a), name="right"),
    )


asyncio.run(main())
