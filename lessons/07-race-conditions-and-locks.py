"""Lesson 07, the asyncio side: a lost update, a Lock, and two locks in opposite order.

    asyncscope lesson 07 --python        (beside the tokio runs)
    asyncscope py --virtual-time lessons/07-race-conditions-and-locks.py -- unsafe
Modes: unsafe, lock, deadlock, same-order.
"""
import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the lessons
from lesson_marks import mark, value  # asyncscope's, or stand-ins


MODE = sys.argv[1] if len(sys.argv) > 1 else "unsafe"

# lesson:start
import asyncio

counter = 0

async def unsafe_increment():
    global counter
    read = counter
    mark(f"read {read}")
    await asyncio.sleep(0.01)     # the others all read 0 here
    counter = read + 1
    mark(f"wrote {counter}")

async def safe_increment(lock):
    global counter
    async with lock:              # held across the await
        read = counter
        await asyncio.sleep(0.01)
        counter = read + 1

async def transfer(first, second):
    async with first:
        await asyncio.sleep(0.1)  # the other takes its first lock
        async with second:        # opposite order: waits forever
            mark("moved the money")
# lesson:end


async def main():
    if MODE in ("unsafe", "lock"):
        lock = asyncio.Lock()     # ONE lock, shared by all
        work = unsafe_increment if MODE == "unsafe" else (
            lambda: safe_increment(lock))
        await asyncio.gather(*(
            asyncio.create_task(work(), name=f"inc-{n}")
            for n in range(1, 101)))
        value("final", counter)   # 1 unsafe; 100 with the lock
        return
    a = asyncio.Lock()            # account A
    b = asyncio.Lock()            # account B
    ab = transfer(a, b)
    ba = transfer(b, a) if MODE == "deadlock" else transfer(a, b)
    try:                          # nobody detects a deadlock:
        await asyncio.wait_for(asyncio.gather(  # give up after 3 s
            asyncio.create_task(ab, name="transfer-ab"),
            asyncio.create_task(ba, name="transfer-ba")), 3)
        value("deadlock", "no")
    except asyncio.TimeoutError:
        mark("stuck: gave up after 3 s")
        value("deadlock", "yes")

asyncio.run(main())
