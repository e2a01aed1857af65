# cancel() while a task is scheduled to run but has not run (no future to
# forward to, or its future is already done) sets _must_cancel: the next step
# raises CancelledError at the await even if the awaited future has a result.
from vloop import log, run
import asyncio


async def yielder():
    log("yielder before sleep(0)")
    try:
        await asyncio.sleep(0)
        log("yielder after sleep(0)")
    except asyncio.CancelledError:
        log("yielder cancelled at sleep(0)")
        raise


async def future_waiter(f):
    try:
        r = await f
        log(f"future_waiter got {r}")
    except asyncio.CancelledError:
        log(f"future_waiter cancelled, future result {f.result()}")
        raise


async def main():
    loop = asyncio.get_running_loop()
    y = asyncio.create_task(yielder(), name="yielder")
    await asyncio.sleep(0)
    log(f"cancel yielder returns {y.cancel()}")
    f = loop.create_future()
    w = asyncio.create_task(future_waiter(f), name="future_waiter")
    await asyncio.sleep(0)
    f.set_result(1)
    log(f"cancel future_waiter returns {w.cancel()}")
    for t in (y, w):
        try:
            await t
        except asyncio.CancelledError:
            log(f"{t.get_name()} cancelled {t.cancelled()}")


run(main())
