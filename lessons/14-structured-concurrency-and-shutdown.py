"""Lesson 14, the asyncio side: tasks left behind, a TaskGroup, and a graceful shutdown.

    asyncscope lesson 14 --python        (beside the tokio runs)
    asyncscope py --virtual-time lessons/14-structured-concurrency-and-shutdown.py -- forget
Modes: forget, group, serve REQUEST_SECONDS DEADLINE (Python 3.11+: TaskGroup,
asyncio.timeout).
"""
import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the lessons
from lesson_marks import mark, value  # asyncscope's, or stand-ins


ARGS = sys.argv[1:] or ["forget"]

# lesson:start
import asyncio

async def child():
    await asyncio.sleep(3)

async def parent(kept):
    if ARGS[0] == "forget":
        for n in range(1, 4):
            kept.add(asyncio.create_task(child(), name=f"child-{n}"))
        await asyncio.sleep(1)
        return
    async with asyncio.TaskGroup() as tg:   # waits for its children
        for n in range(1, 4):
            kept.add(tg.create_task(child(), name=f"child-{n}"))
        await asyncio.sleep(1)

async def request(seconds):
    try:
        await asyncio.sleep(seconds)
    except asyncio.CancelledError:
        mark("cancelled at the deadline")
        raise

async def accept(stop, running, seconds):
    n = 0
    while not stop.is_set():
        try:
            async with asyncio.timeout(0.3):   # Python 3.11+
                await stop.wait()
        except TimeoutError:
            n += 1
            task = asyncio.create_task(request(seconds),
                                       name=f"request-{n}")
            running.add(task)           # keep a reference!
            task.add_done_callback(running.discard)
    mark("stopped accepting")

async def serve(seconds, deadline):
    stop, running = asyncio.Event(), set()
    acceptor = asyncio.create_task(accept(stop, running, seconds),
                                   name="acceptor")
    await asyncio.sleep(2)              # stands for Ctrl-C at 2 s
    mark("Ctrl-C: shutting down")       # (loop.add_signal_handler)
    stop.set()
    await acceptor
    start = asyncio.get_running_loop().time()
    late = set()
    if running:                         # drain, with a deadline
        _, late = await asyncio.wait(running, timeout=deadline)
    if late:
        mark(f"deadline: cancelling {len(late)} requests")
    for task in late:
        task.cancel()
    await asyncio.gather(*late, return_exceptions=True)
    mark("drained")
    now = asyncio.get_running_loop().time()
    value("drain_units", round(now - start, 6))
    value("cancelled_at_deadline", len(late))
# lesson:end


async def main():
    if ARGS[0] == "serve":
        return await serve(float(ARGS[1]), float(ARGS[2]))
    kept = set()                        # tasks need a strong reference
    await asyncio.create_task(parent(kept), name="parent")
    mark("main returns")
    value("children_finished", sum(t.done() for t in kept))

asyncio.run(main())
