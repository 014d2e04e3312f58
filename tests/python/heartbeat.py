"""The heartbeat probe beside a step that blocks the loop with time.sleep for 0.3 s."""
import asyncio
import time

import asyncscope


async def blocker():
    await asyncio.sleep(0.1)
    time.sleep(0.3)  # holds the loop: every tick waits for it


async def main():
    asyncscope.heartbeat()
    await asyncio.create_task(blocker(), name="blocker")
    await asyncio.sleep(0.2)


asyncio.run(main())
