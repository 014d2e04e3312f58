"""Lesson 09, the asyncio side: a bounded Queue between a producer and two consumers.

    asyncscope lesson 09 --python        (beside the tokio runs)
    asyncscope py --virtual-time lessons/09-queues-and-backpressure.py -- 3
Modes: CAPACITY (12 jobs), one-marker, a-marker-each (4 jobs, end markers;
Python 3.11+).
"""
import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the lessons
from lesson_marks import mark, value  # asyncscope's, or stand-ins


MODE = sys.argv[1] if len(sys.argv) > 1 else "3"

# lesson:start
import asyncio

async def consumer(q):
    while True:
        job = await q.get()
        try:
            await asyncio.sleep(1)
        finally:
            q.task_done()

async def producer(q, jobs):
    for job in range(jobs):
        await q.put(job)                # parks while it is full
    value("producers_done_at", asyncio.get_running_loop().time())

async def marked_consumer(q):
    while True:
        try:
            async with asyncio.timeout(3):
                job = await q.get()
        except TimeoutError:
            return mark("gave up: timeout")
        if job is None:
            return mark("end marker")
        await asyncio.sleep(1)

async def bounded(capacity):
    q = asyncio.Queue(maxsize=capacity)
    workers = [asyncio.create_task(consumer(q), name=f"consumer-{n}")
               for n in (1, 2)]
    await asyncio.create_task(producer(q, 12), name="producer-1")
    await q.join()                      # every job task_done
    for w in workers:
        w.cancel()                      # else they wait forever
# lesson:end


async def end_markers(markers):  # 4 jobs, then `markers` end markers
    q = asyncio.Queue()
    workers = [
        asyncio.create_task(marked_consumer(q), name=f"consumer-{n}")
        for n in (1, 2)
    ]
    for job in range(4):
        q.put_nowait(job)
    for _ in range(markers):
        q.put_nowait(None)
    await asyncio.gather(*workers)


async def main():  # the root task: `main`, as on the tokio side
    if MODE.isdigit():
        await bounded(int(MODE))
    else:
        await end_markers(1 if MODE == "one-marker" else 2)


asyncio.run(main())
