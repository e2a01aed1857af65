# main waits for a future nobody completes and nothing else can run: the run
# fails (weft: deadlock_error), and shutdown first cancels every pending task,
# main included, in creation order.
from vloop import log, run
import asyncio


async def waiter(fut):
    try:
        await fut
    except asyncio.CancelledError:
        log("waiter cancelled")
        raise


async def main():
    fut = asyncio.get_running_loop().create_future()
    asyncio.create_task(waiter(fut))
    await asyncio.sleep(1)
    log("main waits forever")
    try:
        await fut
    except asyncio.CancelledError:
        log("main cancelled")
        raise


try:
    run(main())
except RuntimeError as e:
    assert "deadlock" in str(e)
else:
    raise AssertionError("no deadlock")
