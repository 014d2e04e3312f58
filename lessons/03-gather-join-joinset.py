"""Lesson 03, the asyncio side: waiting for five fetches, one of which fails.

    asyncscope lesson 03 --python        (beside the tokio runs)
    asyncscope py --virtual-time lessons/03-gather-join-joinset.py -- fail-fast 3
Modes: fail-fast N (Python 3.11+: TaskGroup), collect-all N; N is the fetch that fails.
"""
import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the lessons
from lesson_marks import mark, value  # asyncscope's, or stand-ins


MODE = sys.argv[1] if len(sys.argv) > 1 else "fail-fast"
FAILS = int(sys.argv[2]) if len(sys.argv) > 2 else 3

# lesson:start
import asyncio

async def fetch(n, fails):
    await asyncio.sleep(n)
    if n == fails:
        mark("error!")
        raise RuntimeError(f"fetch-{n} failed")
    return f"page {n}"

async def main():
    if MODE == "collect-all":
        # errors come back as values, in input order
        results = await asyncio.gather(*(
            asyncio.create_task(fetch(n, FAILS), name=f"fetch-{n}")
            for n in range(1, 6)), return_exceptions=True)
        value("results", [f"error: {r}" if isinstance(r, Exception)
                          else f"ok: {r}" for r in results])
    else:
        # fail fast: the first error cancels the rest (Python 3.11+)
        try:
            async with asyncio.TaskGroup() as tg:
                for n in range(1, 6):
                    tg.create_task(fetch(n, FAILS), name=f"fetch-{n}")
        except Exception as group:       # an ExceptionGroup
            value("errors", [str(e) for e in group.exceptions])

asyncio.run(main())
# lesson:end
