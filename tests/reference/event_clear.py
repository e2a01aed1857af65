# clear() resets the flag: later waiters block until the next set(). A set()
# followed at once by clear() still wakes the waiters already waiting (their
# futures are done); they see is_set() False.
from vloop import log, run
import asyncio


async def waiter(e, name):
    log(name, "waits")
    await e.wait()
    log(name, "woke, is_set", e.is_set())


async def main():
    e = asyncio.Event()
    e.set()
    e.clear()
    log("is_set", e.is_set())
    a = asyncio.create_task(waiter(e, "a"))
    b = asyncio.create_task(waiter(e, "b"))
    await asyncio.sleep(1)
    e.set()
    e.clear()
    log("set and cleared")
    await asyncio.sleep(1)
    c = asyncio.create_task(waiter(e, "c"))
    await asyncio.sleep(1)
    log("c still waiting", not c.done())
    e.set()
    await c
    log("is_set", e.is_set())
    await a
    await b


run(main())
