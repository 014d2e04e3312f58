"""Lesson 04, the asyncio side: answers as they come, in order, or the first one only.

    asyncscope lesson 04 --python        (beside the tokio runs)
    asyncscope py --virtual-time lessons/04-as-completed-select-racing.py -- select
Modes: as-completed, in-order, select.
"""
import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the lessons
from lesson_marks import mark, value  # asyncscope's, or stand-ins


MODE = sys.argv[1] if len(sys.argv) > 1 else "as-completed"

# lesson:start
import asyncio

MIRRORS = {"mirror-a": 3, "mirror-b": 1, "mirror-c": 2}

async def ask(mirror, seconds):
    await asyncio.sleep(seconds)
    return mirror

def start_all():
    return [asyncio.create_task(ask(m, s), name=m)
            for m, s in MIRRORS.items()]

async def main():
    arrived = []
    if MODE == "as-completed":
        for next_one in asyncio.as_completed(start_all()):
            arrived.append(await next_one)     # b, c, a
    elif MODE == "in-order":
        for task in start_all():
            arrived.append(await task)         # a, b, c
    else:
        done, pending = await asyncio.wait(
            start_all(), return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()          # wait() leaves them running
        await asyncio.gather(*pending, return_exceptions=True)
        winner = done.pop().result()
        mark(f"{winner} won; the others are gone")
        value("winner", winner)
    if arrived:
        value("arrival_order", arrived)

asyncio.run(main())
# lesson:end
