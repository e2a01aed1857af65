# Event.set() wakes every waiter, in the order they started waiting, one hop
# later: each waiter's wakeup is queued at set() time, before a callback queued
# right after it. Tasks that wait after set() do not suspend.
from vloop import log, run
import asyncio


async def waiter(e, name):
    log(name, "waits")
    await e.wait()
    log(name, "woke, is_set", e.is_set())


async def main():
    e = asyncio.Event()
    loop = asyncio.get_running_loop()
    tasks = [asyncio.create_task(waiter(e, f"w{i}")) for i in range(3)]
    await asyncio.sleep(1)
    log("is_set before", e.is_set())
    e.set()
    loop.call_soon(lambda: log("callback queued after set"))
    log("is_set after", e.is_set())
    e.set()  # a second set() changes nothing
    await asyncio.sleep(0)
    log("main after sleep(0)")
    late = asyncio.create_task(waiter(e, "late"))
    for t in tasks:
        await t
    await late
    log("done")


run(main())
