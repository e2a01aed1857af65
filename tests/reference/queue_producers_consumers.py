# Queue(2) with two producers and two consumers: put() blocks while the queue
# is full, get() while it is empty; each is woken in the order it waited.
from vloop import log, run
import asyncio


async def producer(q, name, items, pause):
    for it in items:
        log(name, "puts", it)
        await q.put(it)
        log(name, "put", it, "qsize", q.qsize())
        await asyncio.sleep(pause)


async def consumer(q, name, n, work):
    for _ in range(n):
        it = await q.get()
        log(name, "got", it, "qsize", q.qsize())
        await asyncio.sleep(work)


async def main():
    q = asyncio.Queue(2)
    tasks = [
        asyncio.create_task(consumer(q, "c0", 4, 2)),
        asyncio.create_task(producer(q, "p0", ["a0", "a1", "a2", "a3"], 0)),
        asyncio.create_task(producer(q, "p1", ["b0", "b1", "b2", "b3"], 1)),
        asyncio.create_task(consumer(q, "c1", 4, 3)),
    ]
    for t in tasks:
        await t
    log("qsize", q.qsize())


run(main())
