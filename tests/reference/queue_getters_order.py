# Getters waiting on an empty queue are woken in order, one per item. An item
# taken by get_nowait() before the woken getter runs is lost to it: that
# getter waits again, at the back of the line.
from vloop import log, run
import asyncio


async def getter(q, name):
    log(name, "waits")
    it = await q.get()
    log(name, "got", it)


async def main():
    q = asyncio.Queue()
    tasks = [asyncio.create_task(getter(q, f"g{i}")) for i in range(3)]
    await asyncio.sleep(1)
    q.put_nowait("x")
    log("put x, main steals", q.get_nowait())
    q.put_nowait("y")
    log("put y")
    await asyncio.sleep(1)
    for it in ("z", "w"):
        q.put_nowait(it)
    log("put z w")
    for t in tasks:
        await t
    log("qsize", q.qsize())


run(main())
