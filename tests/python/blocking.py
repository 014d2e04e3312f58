"""A heartbeat every 0.1u beside a task that calls time.sleep(0.2): the loop is blocked, and the
blocking step is one long poll."""
import asyncio
import time

import asyncscope

U = asyncscope.UNIT


async def heartbeat():
    for _ in range(5):
        await asyncio.sleep(0.1 * U)


async def blocker():
    await asyncio.sleep(0.15 * U)
    time.sleep(0.2)  # not awaited: nothing else runs meanwhile


async def main():
    await asyncio.gather(
        asyncio.create_task(heartbeat(), name="heartbeat"),
        asyncio.create_task(blocker(), name="blocker"),
    )


asyncio.run(main())
