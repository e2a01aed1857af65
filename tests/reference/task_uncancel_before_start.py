# cancel() then uncancel() before the first step: the count drops to 0, which
# clears the pending request (3.13's uncancel resets _must_cancel), so the body
# runs normally.
from vloop import log, run
import asyncio


async def body():
    log("body runs")
    await asyncio.sleep(1)
    log("body returns")
    return 1


async def main():
    t = asyncio.create_task(body(), name="t")
    log(f"cancel returns {t.cancel()}")
    log(f"uncancel returns {t.uncancel()}")
    r = await t
    log(f"main got {r} cancelled {t.cancelled()}")


run(main())
