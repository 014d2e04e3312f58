"""Lesson 06, the asyncio side: retrying with backoff, and what not to retry.

    asyncscope lesson 06 --python        (beside the tokio runs)
    asyncscope py --virtual-time lessons/06-errors-retries-backoff.py -- 3
Modes: FAILURES (how many 503s before an answer), or 404.
"""
import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the lessons
from lesson_marks import mark, value  # asyncscope's, or stand-ins


MODE = sys.argv[1] if len(sys.argv) > 1 else "3"

# lesson:start
import asyncio

class Unavailable(Exception): pass   # 503: may get better
class NotFound(Exception): pass      # 404: will not

async def retry(make_call, base=1.0, factor=2.0, max_attempts=4):
    delay = base
    for attempt in range(1, max_attempts + 1):
        mark(f"attempt {attempt}")
        try:
            return await make_call()   # a fresh coroutine each time
        except Unavailable:
            if attempt == max_attempts:
                raise                  # give up now, no last sleep
            mark(f"Unavailable: waiting {delay} s")
            await asyncio.sleep(delay)
            delay *= factor
        # NotFound is not caught: it propagates on the first try

async def client():
    loop, attempts = asyncio.get_running_loop(), []
    async def flaky():
        attempts.append(loop.time())
        if MODE == "404":
            raise NotFound()
        if len(attempts) <= int(MODE):
            raise Unavailable()
        return "data"
    try:
        mark(await retry(flaky))       # attempts at 0, 1, 3, 7 s
        mark("success")
    except (Unavailable, NotFound) as e:
        mark(f"gave up: {type(e).__name__}")
    value("attempts_at", attempts)
    value("attempts", len(attempts))

async def main():
    await asyncio.create_task(client(), name="client")

asyncio.run(main())
# lesson:end
