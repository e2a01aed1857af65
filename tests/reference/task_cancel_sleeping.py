# Cancelling a sleeping task raises CancelledError at its sleep, at the time
# of the cancel (the sleep's timer does not fire); the task's handler runs.
from vloop import log, run
import asyncio


async def sleeper():
    log("sleeper starts")
    try:
        await asyncio.sleep(10)
        log("sleeper woke")
    except asyncio.CancelledError:
        log("sleeper cleanup")
        raise


async def main():
    t = asyncio.create_task(sleeper(), name="sleeper")
    await asyncio.sleep(1)
    log(f"cancel returns {t.cancel()}")
    try:
        await t
    except asyncio.CancelledError:
        log("main got CancelledError")
    log(f"cancelled {t.cancelled()} cancelling {t.cancelling()}")
    await asyncio.sleep(20)
    log("main done")


run(main())
