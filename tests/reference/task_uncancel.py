# A task that catches its CancelledError and calls uncancel() (which returns
# 0) goes on as if never cancelled.
from vloop import log, run
import asyncio


async def stubborn():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        log(f"caught, uncancel returns {asyncio.current_task().uncancel()}")
    await asyncio.sleep(1)
    log(f"slept on, cancelling {asyncio.current_task().cancelling()}")
    return "ok"


async def main():
    t = asyncio.create_task(stubborn(), name="stubborn")
    await asyncio.sleep(1)
    log(f"cancel returns {t.cancel()} cancelling {t.cancelling()}")
    r = await t
    log(f"main got {r}")
    log(f"cancelled {t.cancelled()} cancelling {t.cancelling()}")


run(main())
