# notify(1), notify(2) and notify_all() wake waiters in the order they started
# waiting; each woken waiter returns from wait() only once it has the lock
# again, so they come out one at a time as the lock is handed on.
from vloop import log, run
import asyncio


async def waiter(cond, name):
    async with cond:
        log(name, "waits")
        await cond.wait()
        log(name, "woke, locked", cond.locked())
        await asyncio.sleep(1)
    log(name, "left")


async def main():
    cond = asyncio.Condition()
    tasks = [asyncio.create_task(waiter(cond, f"w{i}")) for i in range(5)]
    await asyncio.sleep(1)
    async with cond:
        cond.notify()
        log("notified 1")
    await asyncio.sleep(5)
    async with cond:
        cond.notify(2)
        log("notified 2")
        await asyncio.sleep(1)
        log("main releases")
    await asyncio.sleep(5)
    async with cond:
        cond.notify_all()
        log("notified all")
    for t in tasks:
        await t
    async with cond:
        cond.notify_all()  # nobody waits: nothing happens
    log("done")


run(main())
