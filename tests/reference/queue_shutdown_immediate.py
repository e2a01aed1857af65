# shutdown(immediate=True) drops the items left, counting each as done (so
# join() can return), and makes get() raise at once. An item already taken
# still needs its task_done().
from vloop import log, run
import asyncio


async def joiner(q):
    await q.join()
    log("joiner joined, qsize", q.qsize())


async def putter(q):
    try:
        await q.put("late")
    except asyncio.QueueShutDown:
        log("putter QueueShutDown")


async def main():
    q = asyncio.Queue(3)
    for i in range(3):
        q.put_nowait(i)
    log("took", q.get_nowait())
    q.put_nowait(3)
    j = asyncio.create_task(joiner(q))
    p = asyncio.create_task(putter(q))
    await asyncio.sleep(1)
    q.shutdown(immediate=True)
    log("shut down, qsize", q.qsize(), "empty", q.empty())
    try:
        await q.get()
    except asyncio.QueueShutDown:
        log("get: QueueShutDown")
    await asyncio.sleep(1)
    log("joiner done", j.done())
    q.task_done()
    await j
    await p
    q.shutdown()  # again: nothing changes
    log("qsize", q.qsize())


run(main())
