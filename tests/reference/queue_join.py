# join() waits until task_done() was called once per item put; every joiner
# wakes, in order, one hop after the last task_done(). join() with no
# unfinished item returns without suspending.
from vloop import log, run
import asyncio


async def worker(q):
    while True:
        it = await q.get()
        log("working on", it)
        await asyncio.sleep(1)
        q.task_done()
        log("done with", it)


async def joiner(q, name):
    log(name, "joins")
    await q.join()
    log(name, "joined")


async def main():
    q = asyncio.Queue()
    loop = asyncio.get_running_loop()
    loop.call_soon(lambda: log("callback"))
    await q.join()
    log("join on a fresh queue returned")
    for i in range(3):
        q.put_nowait(i)
    j = [asyncio.create_task(joiner(q, f"j{i}")) for i in range(2)]
    w = asyncio.create_task(worker(q))
    for t in j:
        await t
    log("all joined, qsize", q.qsize())
    q.put_nowait(9)
    q.task_done()
    log("task_done without get")
    await q.join()
    log("joined at once")
    w.cancel()
    try:
        await w
    except asyncio.CancelledError:
        log("worker cancelled")
    try:
        q.task_done()
    except ValueError as e:
        log("ValueError:", e)


run(main())
