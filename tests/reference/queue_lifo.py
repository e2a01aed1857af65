# LifoQueue: last in, first out, with a bounded size and blocking put/get.
from vloop import log, run
import asyncio


async def producer(q):
    for i in range(6):
        await q.put(i)
        log("put", i, "qsize", q.qsize())


async def main():
    q = asyncio.LifoQueue(3)
    p = asyncio.create_task(producer(q))
    await asyncio.sleep(1)
    for _ in range(6):
        log("got", await q.get())
        await asyncio.sleep(0)
    await p


run(main())
