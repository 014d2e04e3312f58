"""Sets an event loop policy of its own (as uvloop.install() does) whose loops are plain asyncio
ones made without asyncscope."""
import asyncio
import asyncio.unix_events


class Policy(asyncio.events.BaseDefaultEventLoopPolicy):
    _loop_factory = asyncio.unix_events._UnixSelectorEventLoop


async def main():
    await asyncio.sleep(0.01)


asyncio.set_event_loop_policy(Policy())
asyncio.run(main())
