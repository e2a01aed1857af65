# When main returns, asyncio.run cancels the tasks still pending, in creation
# order, and runs the loop until all of them are done: their cancellation
# handlers may still await (sleep(0), or a timer), which shutdown waits for.
from vloop import log, run
import asyncio


async def worker(name, delay, cleanup):
    try:
        await asyncio.sleep(delay)
        log(name, "finished")
    except asyncio.CancelledError:
        log(name, "cancelled")
        await asyncio.sleep(cleanup)
        log(name, "cleanup done")
        raise


async def main():
    for name, delay, cleanup in [("w3", 30, 0), ("w1", 10, 0.5), ("w2", 20, 0)]:
        asyncio.create_task(worker(name, delay, cleanup))
    asyncio.create_task(worker("short", 1, 0))
    await asyncio.sleep(2)
    log("main returns")
    return "result"


assert run(main()) == "result"
