# A body that catches the timeout's CancelledError and ends normally makes the
# block end normally (expired() is True, cancelling() back to 0); one that
# raises something else propagates that exception.
from vloop import log, run
import asyncio


async def main():
    async with asyncio.timeout(1) as cm:
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            log("body swallows the cancellation")
    log("block ended normally, expired", cm.expired(), "cancelling", asyncio.current_task().cancelling())

    try:
        async with asyncio.timeout(1) as cm:
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                raise ValueError("replaced")
    except ValueError as e:
        log("ValueError propagated:", e, "expired", cm.expired(),
            "cancelling", asyncio.current_task().cancelling())

    try:
        async with asyncio.timeout(5) as cm:
            await asyncio.sleep(1)
            raise ValueError("early")
    except ValueError as e:
        log("ValueError before the deadline:", e, "expired", cm.expired())


run(main())
