# A waiter cancelled after notify() woke it passes the notification on to the
# next waiter (wait()'s `except BaseException: self._notify(1)`).
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
        log(name, "woke")


async def main():
    cond = asyncio.Condition()
    tasks = [asyncio.create_task(waiter(cond, f"w{i}")) for i in range(3)]
    await asyncio.sleep(1)
    async with cond:
        cond.notify()
        tasks[0].cancel()
        log("notified one, cancelled w0")
    for i, t in enumerate(tasks[:2]):
        try:
            await t
            log(f"w{i} finished")
        except asyncio.CancelledError:
            log(f"w{i} was cancelled")
    log("w2 still waiting", not tasks[2].done())
    async with cond:
        cond.notify()
    await tasks[2]


run(main())
