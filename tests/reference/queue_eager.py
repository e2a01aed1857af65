# With the eager task factory, each consumer's first step runs inside
# create_task: it registers as a getter at once, in creation order. A task
# whose first get() finds an item finishes inside create_task.
from vloop import log, run
import asyncio


async def consumer(q, name):
    log(name, "starts")
    while True:
        it = await q.get()
        log(name, "got", it)
        if it is None:
            return


async def producer(q, items):
    for it in items:
        await q.put(it)
        log("put", it)


async def take_one(q):
    it = await q.get()
    log("take_one got", it)
    return it


async def main():
    loop = asyncio.get_running_loop()
    loop.set_task_factory(asyncio.eager_task_factory)
    q = asyncio.Queue(1)
    c0 = asyncio.create_task(consumer(q, "c0"))
    c1 = asyncio.create_task(consumer(q, "c1"))
    log("consumers created")
    p = asyncio.create_task(producer(q, ["a", "b", "c", None, None]))
    log("producer created, done", p.done(), "qsize", q.qsize())
    await p
    await c0
    await c1
    q.put_nowait("z")
    t = asyncio.create_task(take_one(q))
    log("take_one done", t.done(), "result", t.result())


run(main())
