# A waiter cancelled in wait() re-acquires the lock before CancelledError
# leaves wait(): while main holds the lock, the cancelled waiter waits for it.
from vloop import log, run
import asyncio


async def waiter(cond, name):
    async with cond:
        log(name, "waits")
        try:
            await cond.wait()
        except asyncio.CancelledError:
            log(name, "cancelled, locked", cond.locked())
            raise
    log(name, "not reached")


async def main():
    cond = asyncio.Condition()
    w = asyncio.create_task(waiter(cond, "w"))
    await asyncio.sleep(1)
    await cond.acquire()
    w.cancel()
    log("main holds the lock and cancelled w")
    await asyncio.sleep(1)
    log("main releases")
    cond.release()
    try:
        await w
    except asyncio.CancelledError:
        log("w was cancelled, locked", cond.locked())


run(main())
