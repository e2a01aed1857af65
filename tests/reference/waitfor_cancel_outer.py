# Cancelling the task that is in wait_for propagates CancelledError, not
# TimeoutError, and cancels the awaited coroutine or task.
from vloop import log, run
import asyncio


async def slow(label):
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError as e:
        log(label, "cancelled", e.args)
        raise


async def caller(aw):
    try:
        await asyncio.wait_for(aw, 5)
    except TimeoutError:
        log("caller timed out")
    except asyncio.CancelledError:
        log("caller got CancelledError, cancelling", asyncio.current_task().cancelling())
        raise


async def main():
    c = asyncio.create_task(caller(slow("coroutine")))
    await asyncio.sleep(1)
    c.cancel("stop")
    try:
        await c
    except asyncio.CancelledError:
        log("caller cancelled", c.cancelled())
    inner = asyncio.create_task(slow("task"))
    c = asyncio.create_task(caller(inner))
    await asyncio.sleep(1)
    c.cancel()
    try:
        await c
    except asyncio.CancelledError:
        log("caller cancelled", c.cancelled(), "inner cancelled", inner.cancelled())


run(main())
