# shutdown() wakes every waiting getter and putter: getters raise QueueShutDown
# once the queue is empty (items left are still handed out first), putters and
# put_nowait raise QueueShutDown at once.
from vloop import log, run
import asyncio


async def getter(q, name):
    try:
        while True:
            it = await q.get()
            log(name, "got", it)
    except asyncio.QueueShutDown:
        log(name, "QueueShutDown")


async def putter(q, name):
    try:
        await q.put(name)
        log(name, "put")
    except asyncio.QueueShutDown:
        log(name, "QueueShutDown")


async def main():
    q = asyncio.Queue()
    getters = [asyncio.create_task(getter(q, f"g{i}")) for i in range(2)]
    await asyncio.sleep(1)
    q.shutdown()
    log("shut down empty queue")
    for t in getters:
        await t
    b = asyncio.Queue(2)
    b.put_nowait(1)
    b.put_nowait(2)
    putters = [asyncio.create_task(putter(b, f"p{i}")) for i in range(2)]
    await asyncio.sleep(1)
    b.shutdown()
    log("shut down full queue, qsize", b.qsize())
    try:
        b.put_nowait(3)
    except asyncio.QueueShutDown:
        log("put_nowait: QueueShutDown")
    for t in putters:
        await t
    g = asyncio.create_task(getter(b, "g2"))
    await g
    try:
        b.get_nowait()
    except asyncio.QueueShutDown:
        log("get_nowait: QueueShutDown")
    try:
        await b.put(0)
    except asyncio.QueueShutDown:
        log("put: QueueShutDown")
    b.task_done()
    b.task_done()
    await b.join()
    log("joined")


run(main())
