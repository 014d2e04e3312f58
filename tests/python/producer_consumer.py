"""A producer puts 6 items into a queue of capacity 2 at once; a consumer takes 1u per item.
The producer is parked while the queue is full; every item is handled once; 6u in all."""
import asyncio

import asyncscope

U = asyncscope.UNIT


async def producer(queue):
    for item in range(6):
        await queue.put(item)
    await queue.put(None)


async def consumer(queue, handled):
    while (item := await queue.get()) is not None:
        await asyncio.sleep(1 * U)
        handled.append(item)


async def main():
    queue = asyncio.Queue(maxsize=2)
    handled = []
    await asyncio.gather(
        asyncio.create_task(producer(queue), name="producer"),
        asyncio.create_task(consumer(queue, handled), name="consumer"),
    )
    asyncscope.value("handled", handled)


asyncio.run(main())
