# release() woke the first waiter, which is cancelled before it runs: it gets
# CancelledError, and as the lock is still free it wakes the next waiter.
from vloop import log, run
import asyncio


async def worker(lock, name):
    log(name, "acquiring")
    try:
        await lock.acquire()
    except asyncio.CancelledError:
        log(name, "cancelled after wakeup, locked", lock.locked())
        raise
    log(name, "acquired")
    await asyncio.sleep(1)
    log(name, "releasing")
    lock.release()


async def main():
    lock = asyncio.Lock()
    await lock.acquire()
    tasks = [asyncio.create_task(worker(lock, f"w{i}")) for i in range(3)]
    await asyncio.sleep(1)
    lock.release()
    tasks[0].cancel()
    log("released and cancelled w0, locked", lock.locked())
    for i, t in enumerate(tasks):
        try:
            await t
            log(f"w{i} finished")
        except asyncio.CancelledError:
            log(f"w{i} was cancelled")


run(main())
