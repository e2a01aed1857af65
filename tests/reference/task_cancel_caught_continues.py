# A task that catches its CancelledError goes on and returns a value: it is
# not cancelled, and cancelling() stays 1.
from vloop import log, run
import asyncio


async def stubborn():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        log(f"stubborn caught, cancelling {asyncio.current_task().cancelling()}")
    await asyncio.sleep(1)
    log("stubborn returns 42")
    return 42


async def main():
    t = asyncio.create_task(stubborn(), name="stubborn")
    await asyncio.sleep(1)
    log(f"cancel returns {t.cancel()}")
    r = await t
    log(f"main got {r}")
    log(f"cancelled {t.cancelled()} cancelling {t.cancelling()}")


run(main())
