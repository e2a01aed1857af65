# Cancelling a task parked in sleep(0) delivers CancelledError at its next
# step; a task that cancels itself and yields is cancelled at that yield.
from vloop import log, run
import asyncio


async def spinner():
    i = 0
    try:
        while True:
            log("spin", i)
            i += 1
            await asyncio.sleep(0)
    except asyncio.CancelledError:
        log("spinner cancelled after", i)
        raise


async def self_cancel():
    asyncio.current_task().cancel()
    log("self_cancel requested")
    try:
        await asyncio.sleep(0)
        log("not reached")
    except asyncio.CancelledError:
        log("self_cancel got CancelledError")
    return "survived"


async def main():
    t = asyncio.create_task(spinner())
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    log("cancel", t.cancel())
    await asyncio.sleep(0)
    log("spinner done", t.done(), t.cancelled())
    r = await asyncio.create_task(self_cancel())
    log("self_cancel returned", r)


run(main())
