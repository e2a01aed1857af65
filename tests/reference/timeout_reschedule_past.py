# A deadline already past (reschedule into the past, timeout(0), timeout(-1))
# fires with call_soon: after the callbacks queued before, before those queued
# after. A body that ends before that callback runs does not expire.
from vloop import log, run
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(10) as cm:
            await asyncio.sleep(1)
            loop.call_soon(lambda: log("callback before"))
            cm.reschedule(loop.time() - 1)
            loop.call_soon(lambda: log("callback after"))
            log("rescheduled into the past, expired", cm.expired())
            try:
                await asyncio.sleep(5)
            except asyncio.CancelledError:
                log("body cancelled, expired", cm.expired())
                raise
    except TimeoutError:
        log("timed out")

    for delay in (0, -1):
        try:
            async with asyncio.timeout(delay) as cm:
                loop.call_soon(lambda: log("callback after enter"))
                log("entered timeout", delay)
                await asyncio.sleep(0)
                log("not reached")
        except TimeoutError:
            log("timeout", delay, "expired", cm.expired())

    async with asyncio.timeout(0) as cm:
        log("body without await")
    log("expired", cm.expired())
    await asyncio.sleep(0)
    log("still not cancelled, cancelling", asyncio.current_task().cancelling())


run(main())
