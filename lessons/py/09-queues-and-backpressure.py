"""Lesson 09, the asyncio side: a bounded Queue between a producer and two consumers.

    asyncscope lesson 09 --python        (beside the tokio runs)
    asyncscope py --virtual-time lessons/py/09-queues-and-backpressure.py -- 3
Modes: CAPACITY (12 jobs), one-marker, a-marker-each (4 jobs, end markers;
Python 3.11+).
"""
import sys

try:
    from asyncscope import mark, value  # marks on the lanes, run values
except ImportError:  # plain python3: nothing is recorded

    def mark(text):
        pass

    def value(key, v):
        pass


MODE = sys.argv[1] if len(sys.argv) > 1 else "3"

# lesson:start
import asyncio

async def consumer(q):
    while True:
        job = await q.get()
        try:
            await asyncio.sleep(1)      # the slow part
        finally:
            q.task_done()

async def producer(q, jobs):
    for job in range(jobs):
        await q.put(job)                # parks while the queue is full
    value("producers_done_at", asyncio.get_running_loop().time())

async def marked_consumer(q):           # stops at the end marker
    while True:
        try:
            async with asyncio.timeout(3):  # Python 3.11+
                job = await q.get()
        except TimeoutError:
            return mark("gave up: timeout")
        if job is None:
            return mark("end marker")
        await asyncio.sleep(1)

def start(coro, name):
    return asyncio.create_task(coro, name=name)

async def main():
    if MODE.isdigit():
        q = asyncio.Queue(maxsize=int(MODE))  # 0 means unbounded
        workers = [start(consumer(q), f"consumer-{n}") for n in (1, 2)]
        await start(producer(q, 12), "producer-1")
        await q.join()                  # until every job is task_done
        for w in workers:
            w.cancel()                  # else they wait in get() forever
        return
    q = asyncio.Queue()
    workers = [start(marked_consumer(q), f"consumer-{n}") for n in (1, 2)]
    for job in range(4):
        q.put_nowait(job)
    for _ in range(1 if MODE == "one-marker" else len(workers)):
        q.put_nowait(None)              # one end marker per consumer
    await asyncio.gather(*workers)

asyncio.run(main())
# lesson:end
