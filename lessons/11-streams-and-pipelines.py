"""Lesson 11, the asyncio side: a lazy paginated source, enriched a few at a time, loaded in batches.

    asyncscope lesson 11 --python        (beside the tokio runs)
    asyncscope py --virtual-time lessons/11-streams-and-pipelines.py -- buffered 0
Modes: buffered|unordered TAKE (0: every item), PAGE_SIZE (default 10).
"""
import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the lessons
from lesson_marks import mark, value  # asyncscope's, or stand-ins


ORDER = sys.argv[1] if len(sys.argv) > 1 else "buffered"
TAKE = int(sys.argv[2]) if len(sys.argv) > 2 else 0
PAGE_SIZE = int(sys.argv[3]) if len(sys.argv) > 3 else 10

# lesson:start
import asyncio
from contextlib import aclosing          # Python 3.10+

async def items(total, page_size):      # an async generator
    for page, first in enumerate(range(1, total + 1, page_size), 1):
        mark(f"fetch page {page}")
        await asyncio.sleep(0.5)        # one request per page
        value("pages_fetched", page)
        for i in range(first, min(first + page_size, total + 1)):
            yield i                     # pauses here until asked

async def enrich(i):
    await asyncio.sleep([0.2, 0.3, 0.1][i % 3])
    return i

async def buffered(source, n, in_order):   # buffered(n) by hand
    running = []
    async for i in source:
        running.append(asyncio.create_task(enrich(i), name=f"enrich-{i}"))
        while len(running) >= n:
            yield await next_done(running, in_order)
    while running:
        yield await next_done(running, in_order)

async def next_done(running, in_order):
    if not in_order:                   # like buffer_unordered
        await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
    task = running[0] if in_order else next(
        t for t in running if t.done())
    running.remove(task)
    return await task

async def take(source, k):             # take(k): stops asking after k
    async for i in source:
        yield i
        k -= 1
        if k == 0:
            return

async def loader(batches, loaded):
    while (batch := await batches.get()) is not None:
        mark(f"load {batch}")
        await asyncio.sleep(0.2)       # one bulk write per batch
        loaded.extend(batch)
# lesson:end


async def main():
    batches, loaded, batch = asyncio.Queue(1), [], []
    load = asyncio.create_task(loader(batches, loaded), name="loader")
    async with aclosing(items(30, PAGE_SIZE)) as source:
        wanted = take(source, TAKE) if TAKE else source
        async for i in buffered(wanted, 3, ORDER == "buffered"):
            batch.append(i)
            if len(batch) == 5:        # chunks(5)
                await batches.put(batch)
                batch = []
    for last in ([batch] if batch else []) + [None]:
        await batches.put(last)        # the rest, then the end
    await load
    value("output_order", loaded)

asyncio.run(main())
