# The cancel of an outer task is forwarded to the inner task it awaits; when
# the inner task swallows it and returns, the outer task gets the result and
# is not cancelled, though its cancelling() count stays 1.
from vloop import log, run
import asyncio

inner_task = None


async def inner():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        log("inner swallows the cancellation")
    await asyncio.sleep(1)
    log("inner returns 5")
    return 5


async def outer():
    global inner_task
    inner_task = asyncio.create_task(inner(), name="inner")
    r = await inner_task
    log(f"outer got {r}")
    return r * 2


async def main():
    o = asyncio.create_task(outer(), name="outer")
    await asyncio.sleep(1)
    log(f"cancel outer returns {o.cancel()}")
    r = await o
    log(f"main got {r}")
    log(f"outer cancelled {o.cancelled()} cancelling {o.cancelling()}")
    log(f"inner cancelled {inner_task.cancelled()} cancelling {inner_task.cancelling()}")


run(main())
