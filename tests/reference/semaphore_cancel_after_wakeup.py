# release() handed the count to w0 (value stays 0), then w0 is cancelled
# before it runs: it gives the count back and, in acquire()'s finally, wakes
# the next waiter. A waiter cancelled while still queued takes nothing.
from vloop import log, run
import asyncio


async def waiter(sem, name):
    log(name, "waits")
    try:
        await sem.acquire()
    except asyncio.CancelledError:
        log(name, "cancelled, value", sem._value)
        raise
    log(name, "acquired, value", sem._value)
    await asyncio.sleep(1)
    sem.release()
    log(name, "released, value", sem._value)


async def main():
    sem = asyncio.Semaphore(0)
    tasks = [asyncio.create_task(waiter(sem, f"w{i}")) for i in range(4)]
    await asyncio.sleep(1)
    tasks[2].cancel()
    log("cancelled queued w2")
    await asyncio.sleep(1)
    sem.release()
    log("released, value", sem._value)
    tasks[0].cancel()
    log("cancelled woken w0")
    for i, t in enumerate(tasks):
        try:
            await t
            log(f"w{i} finished")
        except asyncio.CancelledError:
            log(f"w{i} was cancelled")
    log("value", sem._value, "locked", sem.locked())


run(main())
