# When every queued waiter is cancelled, acquire() on the free lock takes it at
# once (no suspension: the callback queued before it runs after it). The
# cancelled waiter then finds the lock taken and wakes no one.
from vloop import log, run
import asyncio


async def worker(lock, name):
    try:
        await lock.acquire()
    except asyncio.CancelledError:
        log(name, "cancelled, locked", lock.locked())
        raise
    log(name, "acquired")
    lock.release()


async def main():
    lock = asyncio.Lock()
    loop = asyncio.get_running_loop()
    await lock.acquire()
    a = asyncio.create_task(worker(lock, "a"))
    b = asyncio.create_task(worker(lock, "b"))
    await asyncio.sleep(1)
    a.cancel()
    b.cancel()
    lock.release()
    log("released; waiters cancelled, locked", lock.locked())
    loop.call_soon(lambda: log("callback"))
    await lock.acquire()
    log("main reacquired without waiting, locked", lock.locked())
    c = asyncio.create_task(worker(lock, "c"))
    await asyncio.sleep(1)
    lock.release()
    log("main released")
    for name, t in (("a", a), ("b", b), ("c", c)):
        try:
            await t
            log(name, "finished")
        except asyncio.CancelledError:
            log(name, "was cancelled")


run(main())
