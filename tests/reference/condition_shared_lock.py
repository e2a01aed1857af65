# Two conditions over one lock: locked() is the lock's, and holding the lock
# lets either condition notify. Each wakes only its own waiters.
from vloop import log, run
import asyncio


async def waiter(cond, name):
    async with cond:
        log(name, "waits")
        await cond.wait()
        log(name, "woke")


async def main():
    lock = asyncio.Lock()
    a = asyncio.Condition(lock)
    b = asyncio.Condition(lock)
    ta = asyncio.create_task(waiter(a, "on a"))
    tb = asyncio.create_task(waiter(b, "on b"))
    await asyncio.sleep(1)
    async with lock:
        log("locked", a.locked(), b.locked())
        b.notify()
        log("notified b")
    await tb
    log("a waiter done", ta.done())
    async with a:
        log("lock locked", lock.locked())
        a.notify()
    await ta
    log("locked", a.locked(), b.locked())


run(main())
