# Forty tasks queue on a lock; every third is cancelled while queued. The rest
# get the lock one at a time, in the order they queued.
from vloop import log, run
import asyncio


async def worker(lock, name):
    try:
        await lock.acquire()
    except asyncio.CancelledError:
        log(name, "cancelled while queued")
        raise
    log(name, "acquired")
    await asyncio.sleep(0)
    lock.release()


async def main():
    lock = asyncio.Lock()
    await lock.acquire()
    tasks = [asyncio.create_task(worker(lock, f"w{i}")) for i in range(40)]
    await asyncio.sleep(1)
    for t in tasks[1::3]:
        t.cancel()
    await asyncio.sleep(1)
    log("releasing")
    lock.release()
    await asyncio.gather(*tasks, return_exceptions=True)
    log("locked", lock.locked())


run(main())
