# wait_for returns the result or raises the exception of a coroutine, a task
# or a plain future.
from vloop import log, run
import asyncio


async def value(v, delay):
    await asyncio.sleep(delay)
    return v


async def fail(delay):
    await asyncio.sleep(delay)
    raise ValueError("boom")


async def main():
    loop = asyncio.get_running_loop()
    log("coroutine", await asyncio.wait_for(value(1, 1), 2))
    t = asyncio.create_task(value(2, 1))
    log("task", await asyncio.wait_for(t, 2))
    f = loop.create_future()
    loop.call_later(1, f.set_result, 3)
    log("future", await asyncio.wait_for(f, 2))
    try:
        await asyncio.wait_for(fail(1), 2)
    except ValueError as e:
        log("coroutine raised ValueError", e)
    t = asyncio.create_task(fail(1))
    try:
        await asyncio.wait_for(t, None)
    except ValueError as e:
        log("task raised ValueError", e)
    t = asyncio.create_task(fail(0))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    try:
        await asyncio.wait_for(t, 0)
    except ValueError as e:
        log("done task raised ValueError", e)


run(main())
