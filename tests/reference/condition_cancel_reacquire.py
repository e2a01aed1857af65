# A notified waiter that is cancelled while it waits to re-acquire the lock
# keeps trying until it has the lock, then raises CancelledError; it then
# notifies the next waiter in its place. The CancelledError it raises is the
# most recent one (its message is the second cancel's).
from vloop import log, run
import asyncio


async def waiter(cond, name):
    async with cond:
        log(name, "waits")
        try:
            await cond.wait()
        except asyncio.CancelledError as e:
            log(name, "cancelled", e.args[0] if e.args else None, "locked", cond.locked())
            raise
        log(name, "woke")


async def main():
    cond = asyncio.Condition()
    tasks = [asyncio.create_task(waiter(cond, f"w{i}")) for i in range(2)]
    await asyncio.sleep(1)
    await cond.acquire()
    cond.notify()
    log("main notified one, keeps the lock")
    await asyncio.sleep(1)
    tasks[0].cancel("first")
    log("main cancelled w0")
    await asyncio.sleep(1)
    tasks[0].cancel("second")
    log("main cancelled w0 again")
    await asyncio.sleep(1)
    log("main releases")
    cond.release()
    for i, t in enumerate(tasks):
        try:
            await t
            log(f"w{i} finished")
        except asyncio.CancelledError:
            log(f"w{i} was cancelled")


run(main())
