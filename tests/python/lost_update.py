"""100 tasks each read a counter, wait 0.125u, write it back plus one: without a lock every
task reads 0 and the total is 1; with an asyncio.Lock held across the wait it is 100."""
import asyncio
import sys

import asyncscope

U = asyncscope.UNIT
counter = 0


async def increment(lock):
    global counter
    if lock is None:
        seen = counter
        await asyncio.sleep(0.125 * U)
        counter = seen + 1
    else:
        async with lock:
            seen = counter
            await asyncio.sleep(0.125 * U)
            counter = seen + 1


async def main(mode):
    lock = asyncio.Lock() if mode == "lock" else None
    await asyncio.gather(*(increment(lock) for _ in range(100)))
    asyncscope.value("counter", counter)


asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "unsafe"))
