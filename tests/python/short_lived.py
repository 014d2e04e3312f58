"""Named tasks that end, unreferenced, before the recorder next writes its trace."""
import asyncio


async def quick():
    return 1


async def main():
    for i in range(3):
        await asyncio.create_task(quick(), name=f"quick-{i}")
    await asyncio.sleep(0.1)


asyncio.run(main())
