"""Lesson 02, the asyncio side: tasks taking turns at their awaits.

    asyncscope lesson 02 --python        (beside the tokio runs)
    asyncscope py --virtual-time lessons/02-tasks-and-the-scheduler.py -- interleave
Modes: interleave, lazy, starve, yield.
"""
import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the lessons
from lesson_marks import mark, value  # asyncscope's, or stand-ins


MODE = sys.argv[1] if len(sys.argv) > 1 else "interleave"
ran = set()  # the players whose first line ran

# lesson:start
import asyncio

async def player(name, steps):
    ran.add(name)                      # runs only once awaited
    for step in range(1, steps + 1):
        mark(f"{name} {step}")
        await asyncio.sleep(0.5)       # hands the loop back

async def busy(slices, polite):
    mark("starts computing")
    for _ in range(slices):
        sum(range(20_000))             # CPU work, no await
        if polite:
            await asyncio.sleep(0)     # like yield_now()
    mark("done computing")

async def ticker():                    # wants to tick every 0.1 s
    for tick in range(1, 1000):
        await asyncio.sleep(0.1)
        mark(f"tick {tick}")

async def caller():
    forgotten = player("forgotten", 3)   # a coroutine: nothing runs
    await player("awaited", 3)           # this one runs, in caller
    forgotten.close()    # else: "coroutine ... was never awaited"

async def main():
    if MODE == "interleave":             # 1.5 s, not 3 s
        ping = asyncio.create_task(player("ping", 3), name="ping")
        pong = asyncio.create_task(player("pong", 3), name="pong")
        await asyncio.gather(ping, pong)
    elif MODE == "lazy":
        await asyncio.create_task(caller(), name="caller")
        value("lazy_future_ran", "forgotten" in ran)
    else:                                # starve, or yield
        ticks = asyncio.create_task(ticker(), name="ticker")
        await asyncio.sleep(0.25)
        work = asyncio.create_task(busy(60, MODE == "yield"), name="busy")
        await work
        await asyncio.sleep(0.25)
        ticks.cancel()

asyncio.run(main())
# lesson:end
