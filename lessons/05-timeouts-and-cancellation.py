"""Lesson 05, the asyncio side: cancelling tasks, and calls under a timeout.

    asyncscope lesson 05 --python        (beside the tokio runs)
    asyncscope py --virtual-time lessons/05-timeouts-and-cancellation.py -- cancel
Modes: cancel (with cleanup), abrupt (no cleanup), timeouts.
"""
import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the lessons
from lesson_marks import mark, value  # asyncscope's, or stand-ins


MODE = sys.argv[1] if len(sys.argv) > 1 else "cancel"

# lesson:start
import asyncio

async def work(seconds, cleanup):
    try:
        await asyncio.sleep(seconds)
        mark("finished its work")
    except asyncio.CancelledError:
        if cleanup:
            mark("asked to stop: cleaning up")
            await asyncio.sleep(0.1)   # async cleanup is allowed
        raise                          # and the error must go on

async def slow_call(seconds):
    try:
        await asyncio.sleep(seconds)
        mark("call finished")
        return "success"
    finally:
        mark("guard dropped")          # however it ends

async def cancel_at(seconds, cleanup):
    tasks = [asyncio.create_task(work(s, cleanup), name=n)
             for n, s in [("A", 3), ("B", 5), ("C", 2)]]
    await asyncio.sleep(seconds)
    mark("cancel!")
    for task in tasks:
        task.cancel()              # the finished one ignores it
    await asyncio.gather(*tasks, return_exceptions=True)

async def three_timeouts():        # 2.5 + 1.5 + 3 = 7 s
    results = []
    for n, limit in enumerate((2.5, 1.5, 4.0), 1):
        call = asyncio.create_task(slow_call(3), name=f"call-{n}")
        try:
            results.append(await asyncio.wait_for(call, limit))
        except asyncio.TimeoutError:
            mark("timeout!")
            results.append("timeout")
    value("results", results)
# lesson:end



async def main():  # the root task: `main`, as on the tokio side
    if MODE == "timeouts":
        await three_timeouts()
    else:
        await cancel_at(2.5, cleanup=MODE == "cancel")  # 2.6 s, 2.5 s


asyncio.run(main())
