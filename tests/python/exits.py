"""sys.exit(3) from inside a coroutine, after 1u."""
import asyncio
import sys

import asyncscope


async def main():
    await asyncio.sleep(1 * asyncscope.UNIT)
    sys.exit(3)


asyncio.run(main())
