"""Lesson 10, the asyncio side: a Barrier, an Event that stays set, a Condition's notify_all.

    asyncscope lesson 10 --python        (beside the tokio runs)
    asyncscope py --virtual-time lessons/10-events-notify-barriers.py -- barrier
Modes: barrier, event, notify-late (Python 3.11+: Barrier, asyncio.timeout).
"""
import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the lessons
from lesson_marks import mark, value  # asyncscope's, or stand-ins


MODE = sys.argv[1] if len(sys.argv) > 1 else "barrier"

# lesson:start
import asyncio

async def worker(walk, line):
    await asyncio.sleep(walk)         # reach the line at your own pace
    mark("at the barrier")
    if await line.wait() == 2:        # Barrier: until all 3 are here
        mark("the leader (arrived last)")
    mark("through")
    await asyncio.sleep(0.5)
    mark("done")

async def waiter(work, signal):
    await signal()                    # until the signal
    await asyncio.sleep(work)

async def late(signal, ended):
    await asyncio.sleep(2.5)
    mark("starts waiting")
    try:
        async with asyncio.timeout(2):    # Python 3.11+
            await signal()
        ended.append("event")
        mark("released")
    except TimeoutError:
        ended.append("timeout")
        mark("gave up: timeout")
# lesson:end


def start(coro, name):
    return asyncio.create_task(coro, name=name)

async def main():
    if MODE == "barrier":
        line = asyncio.Barrier(3)     # Python 3.11+
        await asyncio.gather(*(start(worker(w, line), f"worker-{n}")
                               for n, w in [(1, 1), (2, 2), (3, 1.5)]))
        return
    if MODE == "event":               # stays set until clear()
        event = asyncio.Event()
        signal, send = event.wait, event.set
    else:                             # wakes only who waits now
        cond = asyncio.Condition()
        async def signal():
            async with cond:
                await cond.wait()
        async def send():
            async with cond:
                cond.notify_all()
    ended = []
    tasks = [start(waiter(1, signal), "waiter-1"),
             start(waiter(2, signal), "waiter-2"),
             start(late(signal, ended), "late")]
    await asyncio.sleep(2)
    mark("set!")
    if MODE == "event":
        send()
    else:
        await send()
    await asyncio.gather(*tasks)
    value("late_ended_by", ended[0])

asyncio.run(main())
