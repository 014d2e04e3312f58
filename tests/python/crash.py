"""A task raises after 1u; the exception leaves asyncio.run and ends the program."""
import asyncio

import asyncscope

U = asyncscope.UNIT


async def steady():
    await asyncio.sleep(3 * U)


async def flaky():
    await asyncio.sleep(1 * U)
    raise ValueError("the service answered 500")


async def main():
    asyncio.create_task(steady(), name="steady")
    await asyncio.create_task(flaky(), name="flaky")


asyncio.run(main())
