"""Control characters in output, task names and marks; then an output flood if asked."""
import asyncio
import sys

import asyncscope


async def main():
    print("clear \x1b[2J bell \x07 done")
    asyncscope.mark("mark \x1b]0;title\x07")
    await asyncio.create_task(asyncio.sleep(0.5 * asyncscope.UNIT), name="evil \x1b[31m")
    if len(sys.argv) > 1:
        while True:
            print("flood " * 20)
            await asyncio.sleep(0)


asyncio.run(main())
