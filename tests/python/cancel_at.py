"""A 3u call under wait_for deadlines of 2.5u, 1.5u and 4u: timeout, timeout, success (7u)."""
import asyncio

import asyncscope

U = asyncscope.UNIT


async def call():
    try:
        await asyncio.sleep(3 * U)
        return "answer"
    except asyncio.CancelledError:
        asyncscope.mark("call cancelled")
        raise


async def main():
    outcomes = []
    for deadline in (2.5, 1.5, 4.0):
        try:
            await asyncio.wait_for(call(), deadline * U)
            outcomes.append("success")
        except asyncio.TimeoutError:
            outcomes.append("timeout")
    asyncscope.value("outcomes", outcomes)


asyncio.run(main())
