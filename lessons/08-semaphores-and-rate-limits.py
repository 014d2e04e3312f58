"""Lesson 08, the asyncio side: a Semaphore limiting operations in flight, and a token bucket.

    asyncscope lesson 08 --python        (beside the tokio runs)
    asyncscope py --virtual-time lessons/08-semaphores-and-rate-limits.py -- 20 1 5
Modes: OPS SECONDS LIMIT, or bucket.
"""
import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the lessons
from lesson_marks import mark, value  # asyncscope's, or stand-ins


ARGS = sys.argv[1:] or ["20", "1", "5"]

# lesson:start
import asyncio

async def operation(sem, seconds):
    async with sem:              # waits while LIMIT are in flight
        mark("got a permit")
        await asyncio.sleep(seconds)

class TokenBucket:               # tokens are counted when asked for
    def __init__(self, capacity, per_second):
        self.capacity, self.rate = capacity, per_second
        self.tokens, self.last = capacity, 0.0
        self.lock = asyncio.Lock()               # first come, first in

    async def take(self):
        loop = asyncio.get_running_loop()
        async with self.lock:
            while True:
                now = loop.time()
                earned = (now - self.last) * self.rate
                self.tokens = min(self.capacity, self.tokens + earned)
                self.last = now
                if self.tokens >= 1:
                    self.tokens -= 1
                    return now
                await asyncio.sleep((1 - self.tokens) / self.rate)

async def request(bucket, started):
    started.append(await bucket.take())
    mark("got a token")
# lesson:end


async def main():
    if ARGS[0] == "bucket":      # 2 tokens, one more every 0.5 s
        bucket, started = TokenBucket(2, 2.0), []
        await asyncio.gather(*(
            asyncio.create_task(request(bucket, started), name=f"req-{n}")
            for n in range(1, 9)))
        value("start_times", started)
        return
    ops, seconds, limit = int(ARGS[0]), float(ARGS[1]), int(ARGS[2])
    sem = asyncio.Semaphore(limit)   # ONE semaphore, shared by all
    await asyncio.gather(*(
        asyncio.create_task(operation(sem, seconds), name=f"op-{n}")
        for n in range(1, ops + 1)))     # 20 of 1 s, 5 at once: 4 s

asyncio.run(main())
