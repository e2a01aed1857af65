# A waiter cancelled while queued drops out; the lock goes to the next one.
from vloop import log, run
import asyncio


async def worker(lock, name):
    log(name, "acquiring")
    try:
        await lock.acquire()
    except asyncio.CancelledError as e:
        log(name, "cancelled while queued", e.args[0] if e.args else None, "locked", lock.locked())
        raise
    log(name, "acquired")
    await asyncio.sleep(1)
    lock.release()


async def main():
    lock = asyncio.Lock()
    await lock.acquire()
    tasks = [asyncio.create_task(worker(lock, f"w{i}")) for i in range(4)]
    await asyncio.sleep(1)
    tasks[0].cancel("stop w0")
    tasks[2].cancel()
    log("cancelled w0 and w2")
    await asyncio.sleep(1)
    log("releasing")
    lock.release()
    for i, t in enumerate(tasks):
        try:
            await t
            log(f"w{i} finished")
        except asyncio.CancelledError:
            log(f"w{i} was cancelled")
    log("locked", lock.locked())


run(main())
