# Cancelling a task that awaits another task cancels the awaited task too
# (Task.cancel forwards to _fut_waiter); the outer task gets CancelledError
# one iteration after the inner one ends.
from vloop import log, run
import asyncio

inner_task = None


async def inner():
    log("inner starts")
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        log("inner cancelled")
        raise


async def outer():
    global inner_task
    inner_task = asyncio.create_task(inner(), name="inner")
    try:
        await inner_task
    except asyncio.CancelledError:
        log("outer cancelled")
        raise


async def main():
    o = asyncio.create_task(outer(), name="outer")
    await asyncio.sleep(1)
    log(f"cancel outer returns {o.cancel()}")
    log(f"outer cancelling {o.cancelling()} inner cancelling {inner_task.cancelling()}")
    try:
        await o
    except asyncio.CancelledError:
        log("main got CancelledError")
    log(f"outer cancelled {o.cancelled()} inner cancelled {inner_task.cancelled()}")


run(main())
