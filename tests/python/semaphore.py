"""10 jobs of 0.5u, at most 3 in flight: a permit is taken before each job's task is created and
given back when the job ends, so a task's life is its time in flight (4 waves: 2u)."""
import asyncio

import asyncscope

U = asyncscope.UNIT


async def job(sem):
    try:
        await asyncio.sleep(0.5 * U)
    finally:
        sem.release()


async def main():
    sem = asyncio.Semaphore(3)
    tasks = []
    for i in range(1, 11):
        await sem.acquire()
        tasks.append(asyncio.create_task(job(sem), name=f"op-{i}"))
    await asyncio.gather(*tasks)
    asyncscope.value("jobs", len(tasks))


asyncio.run(main())
