"""Lesson 15, the asyncio side: five tasks on one loop, and the one that blocks it.

    asyncscope lesson 15 --python        (beside the tokio run)
    asyncscope py --virtual-time lessons/15-reading-the-runtime.py
"""
import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the lessons
from lesson_marks import mark, value  # asyncscope's, or stand-ins


# lesson:start
import asyncio, time

async def hog():
    await asyncio.sleep(0.4)
    mark("computing without an await")
    time.sleep(0.15)                 # stands for 150 ms of computing

async def pinger(pings):             # 50 messages, one every 0.02 s
    for n in range(50):
        await asyncio.sleep(0.02)
        pings.put_nowait(n)
    pings.put_nowait(None)

async def chatty(pings):             # woken by pinger each time
    while await pings.get() is not None:
        pass

async def yielder():
    await asyncio.sleep(0.7)
    for _ in range(30):
        sum(range(10_000))           # a slice of work
        await asyncio.sleep(0)       # then let the others in

async def main():
    pings = asyncio.Queue()
    async with asyncio.TaskGroup() as tg:   # Python 3.11+
        tg.create_task(hog(), name="hog")
        tg.create_task(pinger(pings), name="pinger")
        tg.create_task(chatty(pings), name="chatty")
        tg.create_task(asyncio.sleep(1), name="sleeper")
        tg.create_task(yielder(), name="yielder")
        for task in asyncio.all_tasks():   # names, coroutines, stacks
            print(task.get_name(), task.get_coro())

# Debug mode logs every step that holds the loop longer than
# loop.slow_callback_duration (0.1 s by default):
#   Executing <Task finished name='hog' ...> took 0.150 seconds
asyncio.run(main(), debug=True)
# lesson:end
