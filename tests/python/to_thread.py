"""The same blocking call handed to a thread with asyncio.to_thread: the loop stays free, and the
work shows as a blocking lane."""
import asyncio
import hashlib
import time

import asyncscope

U = asyncscope.UNIT


def slow_hash(data):
    time.sleep(0.2)
    return hashlib.sha256(data).hexdigest()[:8]


async def heartbeat():
    for _ in range(5):
        await asyncio.sleep(0.1 * U)


async def offload():
    digest = await asyncio.to_thread(slow_hash, b"breakfast")
    asyncscope.value("digest", digest)


async def main():
    await asyncio.gather(
        asyncio.create_task(heartbeat(), name="heartbeat"),
        asyncio.create_task(offload(), name="offload"),
    )


asyncio.run(main())
