# A task cancelled before its first step never runs its body; it ends
# cancelled on its first step and its awaiter gets CancelledError.
from vloop import log, run
import asyncio


async def body():
    log("body runs")


async def main():
    t = asyncio.create_task(body(), name="t")
    log(f"cancel returns {t.cancel()}")
    log(f"cancelling {t.cancelling()} done {t.done()} cancelled {t.cancelled()}")
    try:
        await t
        log("await returned")
    except asyncio.CancelledError:
        log("main got CancelledError")
    log(f"cancelling {t.cancelling()} done {t.done()} cancelled {t.cancelled()}")


run(main())
