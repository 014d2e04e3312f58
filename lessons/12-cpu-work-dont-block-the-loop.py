"""Lesson 12, the asyncio side: CPU work inline, on a thread, in another process.

    asyncscope lesson 12 --python        (beside the tokio runs)
    asyncscope py --virtual-time lessons/12-cpu-work-dont-block-the-loop.py -- inline
Modes: inline, thread, process; then ROUNDS (default 400000, about 0.2 s of hashing).
"""
import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the lessons
from lesson_marks import mark, value  # asyncscope's, or stand-ins


MODE = sys.argv[1] if len(sys.argv) > 1 else "inline"
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 400_000

# lesson:start
import asyncio, time
from concurrent.futures import ProcessPoolExecutor

def hash_job(seed, rounds):          # pure Python: holds the GIL
    h = 0xCBF29CE484222325 ^ seed
    for i in range(rounds):
        h = ((h ^ i) * 0x100000001B3) % 2**64
    return h

async def heartbeat(stalls):         # meant to tick every 10 ms
    while True:
        before = time.perf_counter()
        await asyncio.sleep(0.010)
        stalls.append(time.perf_counter() - before)

async def inline(seed):              # the loop is frozen meanwhile
    return hash_job(seed, ROUNDS)

async def run_job(seed, pool):
    loop = asyncio.get_running_loop()
    if MODE == "inline":
        job = asyncio.create_task(inline(seed), name=f"hash-{seed}")
        return await job
    if MODE == "thread":             # a thread, but it needs the GIL
        return await asyncio.to_thread(hash_job, seed, ROUNDS)
    return await loop.run_in_executor(pool, hash_job, seed, ROUNDS)

async def main():
    stalls, results = [], []
    beat = asyncio.create_task(heartbeat(stalls), name="heartbeat")
    await asyncio.sleep(0.2)         # let the heartbeat find its beat
    with ProcessPoolExecutor(1) as pool:     # its own process
        for seed in (1, 2):
            results.append(f"{await run_job(seed, pool):016x}")
            mark(f"hash-{seed} done")
            await asyncio.sleep(0.1)
    beat.cancel()
    value("results", results)
    value("worst_stall_ms", round(max(stalls) * 1000))

if __name__ == "__main__":
    asyncio.run(main())
# lesson:end
