"""Lesson 13, the asyncio side: four waits and four crunches on one event loop.

    asyncscope lesson 13 --python        (beside the tokio runs)
    asyncscope py --virtual-time lessons/13-concurrency-vs-parallelism.py -- io
Modes: io, cpu (on the loop's thread), threads (two threads: the GIL), processes.
"""
import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the lessons
from lesson_marks import mark, value  # asyncscope's, or stand-ins


MODE = sys.argv[1] if len(sys.argv) > 1 else "io"

# lesson:start
import asyncio, os, threading, time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

def crunch(n):                       # CPU-bound, pure Python
    h = n
    for i in range(300_000):
        h = (h * 31 + i) % 1_000_003
    return h, (os.getpid(), threading.get_ident())  # who ran it

async def wait_io():                 # I/O-bound: just waiting
    await asyncio.sleep(1)

async def on_loop(n):                # computing inside a task
    return crunch(n)

async def main():
    loop, start = asyncio.get_running_loop(), time.perf_counter()
    begun = loop.time()
    if MODE == "io":                 # 1 s: four waits overlap
        await asyncio.gather(*(asyncio.create_task(wait_io(),
            name=f"io-{n}") for n in range(1, 5)))
    elif MODE == "cpu":              # one after another, one thread
        done = await asyncio.gather(*(asyncio.create_task(on_loop(n),
            name=f"cpu-{n}") for n in range(1, 5)))
    else:                            # 2 threads (GIL) or 2 processes
        pool = (ThreadPoolExecutor if MODE == "threads"
                else ProcessPoolExecutor)(2)
        with pool:
            done = await asyncio.gather(*(
                loop.run_in_executor(pool, crunch, n)
                for n in range(1, 5)))
    if MODE != "io":
        value("threads_used", len({thread for _, thread in done}))
    value("total_units", round(loop.time() - begun, 3))  # loop time
    value("wall_ms", round((time.perf_counter() - start) * 1000))

if __name__ == "__main__":
    asyncio.run(main())
# lesson:end
