"""Never starts an event loop: the coroutine is made and never awaited."""
import asyncio


async def main():
    await asyncio.sleep(1)


main()
print("done without asyncio.run")
