# Two cancel() calls both return True and count 2 in cancelling(); the task
# still gets a single CancelledError.
from vloop import log, run
import asyncio


async def sleeper():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        log("sleeper caught CancelledError")
        raise


async def main():
    t = asyncio.create_task(sleeper(), name="sleeper")
    await asyncio.sleep(1)
    log(f"first cancel returns {t.cancel()}")
    log(f"second cancel returns {t.cancel()}")
    log(f"cancelling {t.cancelling()}")
    try:
        await t
    except asyncio.CancelledError:
        log("main got CancelledError")
    log(f"cancelled {t.cancelled()} cancelling {t.cancelling()}")


run(main())
