# Cancelling a gather with return_exceptions=True still raises CancelledError
# (bpo-32684) even though each child's cancellation would be a result element.
from vloop import log, run
import asyncio


def exc(e):
    return f"{type(e).__name__}({e})"


async def child(name, delay):
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        log(name, "cancelled")
        raise
    log(name, "finishes")
    return delay


async def main():
    a = asyncio.create_task(child("a", 1))
    b = asyncio.create_task(child("b", 5))
    g = asyncio.gather(a, b, return_exceptions=True)
    await asyncio.sleep(2)
    log("cancel returns", g.cancel())
    try:
        res = await g
        log("results", res)
    except asyncio.CancelledError as e:
        log("gather raised", exc(e))
    log("a result", a.result(), "b cancelled", b.cancelled())


run(main())
