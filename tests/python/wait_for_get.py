"""`wait_for` around a Queue's `get`: asyncio runs the get as a task of its own."""
import asyncio


async def main():
    queue = asyncio.Queue()
    try:
        await asyncio.wait_for(queue.get(), timeout=0.5)
    except asyncio.TimeoutError:
        pass


asyncio.run(main())
