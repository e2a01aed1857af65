# A cancelled task that catches the CancelledError, awaits during its
# cleanup, then re-raises ends cancelled after the cleanup.
from vloop import log, run
import asyncio


async def careful():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        log("careful cleaning up")
        await asyncio.sleep(1)
        log("careful re-raises")
        raise


async def main():
    t = asyncio.create_task(careful(), name="careful")
    await asyncio.sleep(1)
    log(f"cancel returns {t.cancel()}")
    await asyncio.sleep(0.5)
    log(f"during cleanup done {t.done()}")
    try:
        await t
    except asyncio.CancelledError:
        log("main got CancelledError")
    log(f"cancelled {t.cancelled()}")


run(main())
