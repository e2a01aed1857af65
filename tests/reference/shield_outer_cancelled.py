# Cancelling a shield (directly, or through the task awaiting it) leaves the
# inner task running; its result is still available. A coroutine is wrapped in
# a new task that keeps running too.
from vloop import log, run
import asyncio


async def inner_work(label):
    log(label, "starts in", asyncio.current_task().get_name())
    await asyncio.sleep(2)
    log(label, "finishes")
    return 42


async def caller(aw):
    try:
        return await asyncio.shield(aw)
    except asyncio.CancelledError:
        log("caller cancelled")
        raise


async def main():
    inner = asyncio.create_task(inner_work("inner"), name="inner")
    c = asyncio.create_task(caller(inner))
    await asyncio.sleep(1)
    log("cancel caller", c.cancel())
    try:
        await c
    except asyncio.CancelledError:
        log("caller done", c.cancelled(), "inner done", inner.done(), "inner cancelled", inner.cancelled())
    log("inner result", await inner)

    c = asyncio.create_task(caller(inner_work("coroutine")))
    await asyncio.sleep(1)
    c.cancel()
    await asyncio.sleep(0)
    log("caller cancelled", c.cancelled())
    await asyncio.sleep(2)

    inner = asyncio.create_task(inner_work("direct"), name="direct")
    s = asyncio.shield(inner)
    await asyncio.sleep(1)
    log("cancel shield", s.cancel(), "shield cancelled", s.cancelled(), "inner cancelled", inner.cancelled())
    log("inner result", await inner)


run(main())
