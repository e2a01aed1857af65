# The head waiter is cancelled and the lock released in the same step:
# release() finds the head's future done and wakes no one; the next waiter is
# woken only when the cancelled one runs its except clause, a hop later
# (compare semaphore_cancel_then_release).
from vloop import log, run
import asyncio


async def ticker():
    for i in range(4):
        log("tick", i)
        await asyncio.sleep(0)


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
    await lock.acquire()
    w0 = asyncio.create_task(worker(lock, "w0"))
    w1 = asyncio.create_task(worker(lock, "w1"))
    await asyncio.sleep(1)
    w0.cancel()
    lock.release()
    t = asyncio.create_task(ticker())
    log("cancelled w0, released")
    await t
    await w1
    try:
        await w0
    except asyncio.CancelledError:
        log("w0 was cancelled")


run(main())
