# The head waiter is cancelled and the semaphore released in the same step:
# release() skips the head's done future and wakes the next waiter at once
# (compare lock_cancel_then_release, where the wakeup waits a hop).
from vloop import log, run
import asyncio


async def ticker():
    for i in range(4):
        log("tick", i)
        await asyncio.sleep(0)


async def worker(sem, name):
    try:
        await sem.acquire()
    except asyncio.CancelledError:
        log(name, "cancelled, value", sem._value)
        raise
    log(name, "acquired, value", sem._value)
    sem.release()


async def main():
    sem = asyncio.Semaphore(0)
    w0 = asyncio.create_task(worker(sem, "w0"))
    w1 = asyncio.create_task(worker(sem, "w1"))
    await asyncio.sleep(1)
    w0.cancel()
    sem.release()
    t = asyncio.create_task(ticker())
    log("cancelled w0, released, value", sem._value)
    await t
    await w1
    try:
        await w0
    except asyncio.CancelledError:
        log("w0 was cancelled")
    log("value", sem._value)


run(main())
