"""Lesson 01, the asyncio side: breakfast, and three fetches.

    asyncscope lesson 01 --python        (beside the tokio runs)
    asyncscope py --virtual-time lessons/01-sync-vs-async.py -- together
Modes: sequential, together, fetch.
"""
import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the lessons
from lesson_marks import mark, value  # asyncscope's, or stand-ins


MODE = sys.argv[1] if len(sys.argv) > 1 else "together"

# lesson:start
import asyncio

async def make(item, seconds):
    mark(f"{item}: start")
    await asyncio.sleep(seconds)     # waiting, not working
    mark(f"{item}: ready")
    return item

async def fetch(source, seconds, finished):
    await asyncio.sleep(seconds)     # a request in flight
    finished.append(source)
    return f"{source} data"

async def main():
    if MODE == "sequential":         # 3 + 2 = 5 seconds
        await asyncio.create_task(make("coffee", 3), name="coffee")
        await asyncio.create_task(make("toast", 2), name="toast")
    elif MODE == "together":         # max(3, 2) = 3 seconds
        await asyncio.gather(
            asyncio.create_task(make("coffee", 3), name="coffee"),
            asyncio.create_task(make("toast", 2), name="toast"))
    else:                            # three fetches at once: 2 seconds
        finished = []
        results = await asyncio.gather(*(
            asyncio.create_task(fetch(s, t, finished), name=s)
            for s, t in [("Database", 2), ("API", 1.5), ("Cache", 0.5)]))
        value("results", results)    # in the order asked
        value("finish_order", finished)

asyncio.run(main())
# lesson:end
