# shield() of an awaitable that is already done returns it as is.
from vloop import log, run
import asyncio


async def quick():
    return 5


async def fail():
    raise ValueError("boom")


async def main():
    loop = asyncio.get_running_loop()
    t = asyncio.create_task(quick())
    bad = asyncio.create_task(fail())
    await asyncio.sleep(0)
    s = asyncio.shield(t)
    log("same task", s is t, "result", await s)
    s = asyncio.shield(bad)
    log("same failed task", s is bad)
    try:
        await s
    except ValueError as e:
        log("raised ValueError", e)
    f = loop.create_future()
    f.set_result(7)
    s = asyncio.shield(f)
    log("same future", s is f, "result", await s)
    t = asyncio.create_task(quick())
    s = asyncio.shield(t)
    log("pending task gives a new future", s is not t, "result", await s)


run(main())
