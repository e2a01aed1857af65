# With every waiter cancelled (not yet run), locked() is False once the value
# is positive, and acquire() takes the count at once, without suspending.
from vloop import log, run
import asyncio


async def waiter(sem, name):
    try:
        await sem.acquire()
    except asyncio.CancelledError:
        log(name, "cancelled, value", sem._value)
        raise
    log(name, "acquired")


async def main():
    sem = asyncio.Semaphore(1)
    loop = asyncio.get_running_loop()
    await sem.acquire()
    a = asyncio.create_task(waiter(sem, "a"))
    await asyncio.sleep(1)
    a.cancel()
    log("cancelled a, locked", sem.locked())
    sem.release()
    log("released, value", sem._value, "locked", sem.locked())
    loop.call_soon(lambda: log("callback"))
    await sem.acquire()
    log("main acquired without waiting, value", sem._value)
    try:
        await a
    except asyncio.CancelledError:
        log("a was cancelled")
    sem.release()
    log("value", sem._value)


run(main())
