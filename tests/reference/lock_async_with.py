# `async with lock` releases the lock when the body raises; the next waiter
# then gets it.
from vloop import log, run
import asyncio


async def failing(lock):
    async with lock:
        log("failing holds the lock")
        await asyncio.sleep(1)
        raise ValueError("boom")


async def other(lock):
    log("other acquiring")
    async with lock:
        log("other holds the lock")
    log("other released, locked", lock.locked())


async def main():
    lock = asyncio.Lock()
    f = asyncio.create_task(failing(lock))
    o = asyncio.create_task(other(lock))
    try:
        await f
    except ValueError as e:
        log("failing raised", e, "locked", lock.locked())
    await o
    log("locked", lock.locked())


run(main())
