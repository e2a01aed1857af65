# cancel() of a task that is done returns False and changes nothing.
from vloop import log, run
import asyncio


async def child():
    await asyncio.sleep(1)
    return 5


async def main():
    t = asyncio.create_task(child(), name="child")
    r = await t
    log(f"main got {r}")
    log(f"cancel returns {t.cancel()}")
    log(f"cancelled {t.cancelled()} cancelling {t.cancelling()} result {t.result()}")


run(main())
