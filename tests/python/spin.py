"""A coroutine that never gives the loop back: an endless loop without an await."""
import asyncio


async def main():
    await asyncio.sleep(0)
    while True:
        pass


asyncio.run(main())
