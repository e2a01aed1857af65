# Releasing the lock inside `async with lock` makes the exit raise
# RuntimeError('Lock is not acquired.'): __aexit__ calls release() again.
from vloop import log, run
import asyncio


async def main():
    lock = asyncio.Lock()
    try:
        async with lock:
            lock.release()
            log("released inside the block")
    except RuntimeError as e:
        log("RuntimeError:", e)
    log("locked", lock.locked())


run(main())
