# Awaiting a task that is already done does not suspend: the awaiter goes on
# in the same step, before a callback queued just before the await.
from vloop import log, run
import asyncio


async def child():
    log("child runs")
    return 3


async def main():
    loop = asyncio.get_running_loop()
    t = asyncio.create_task(child(), name="child")
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    log(f"child done {t.done()}")
    loop.call_soon(log, "callback")
    r = await t
    log(f"main got {r} without suspending")
    await asyncio.sleep(0)
    log("main after sleep(0)")


run(main())
