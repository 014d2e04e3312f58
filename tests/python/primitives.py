"""One wait on each of asyncio's other primitives, named on the timeline (3.11+ for Barrier,
TaskGroup and timeout)."""
import asyncio

import asyncscope

U = asyncscope.UNIT


async def slow(units):
    await asyncio.sleep(units * U)
    return units


async def until_ready(cond, box):
    async with cond:
        await cond.wait_for(lambda: box)


async def arrive(barrier, units):
    await asyncio.sleep(units * U)
    await barrier.wait()


async def main():
    cond = asyncio.Condition()
    box = []
    waiter = asyncio.create_task(until_ready(cond, box), name="condition")
    await asyncio.sleep(1 * U)
    async with cond:
        box.append(1)
        cond.notify_all()
    await waiter

    event = asyncio.Event()

    async def set_later():
        await asyncio.sleep(1 * U)
        event.set()

    asyncio.create_task(set_later(), name="setter")
    await event.wait()

    done, pending = await asyncio.wait(
        [asyncio.create_task(slow(1), name="fast"), asyncio.create_task(slow(3), name="slow")],
        return_when=asyncio.FIRST_COMPLETED,
    )
    for task in pending:
        # Scheduled as a callback: not a step of the task, which the recorder must not count.
        asyncio.get_running_loop().call_soon(task.cancel)
    await asyncio.shield(slow(0.5))

    if hasattr(asyncio, "Barrier"):
        barrier = asyncio.Barrier(3)
        await asyncio.gather(
            *(asyncio.create_task(arrive(barrier, u), name=f"arrive {u}") for u in (1, 2, 1.5))
        )
        async with asyncio.TaskGroup() as group:
            group.create_task(slow(1), name="group 1")
            group.create_task(slow(2), name="group 2")
        try:
            async with asyncio.timeout(0.5 * U):
                await asyncio.sleep(10 * U)
        except TimeoutError:
            asyncscope.mark("deadline")


asyncio.run(main())
