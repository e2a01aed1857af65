# The first exception propagates from the gather at once; the other children
# keep running, and a later failure is not reported.
from vloop import log, run
import asyncio


async def work(name, delay):
    await asyncio.sleep(delay)
    log(name, "finishes")
    return delay


async def fail(name, delay):
    await asyncio.sleep(delay)
    log(name, "raises")
    raise ValueError(name)


async def main():
    a = asyncio.create_task(work("a", 1))
    b = asyncio.create_task(fail("b", 2))
    c = asyncio.create_task(work("c", 3))
    d = asyncio.create_task(fail("d", 4))
    g = asyncio.gather(a, b, c, d)
    try:
        await g
    except ValueError as e:
        log("gather raised ValueError", e, "c done", c.done(), "d done", d.done())
    log("cancel after done", g.cancel())
    log("c result", await c)
    await asyncio.sleep(2)
    log("d done", d.done())


run(main())
