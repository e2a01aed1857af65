# shutdown(immediate=True) while getters wait: each wakes and raises
# QueueShutDown; a join() waiting on unfinished work returns.
from vloop import log, run
import asyncio


async def getter(q, name):
    try:
        await q.get()
    except asyncio.QueueShutDown:
        log(name, "QueueShutDown")


async def main():
    q = asyncio.Queue()
    q.put_nowait("a")
    log("took", await q.get())
    gs = [asyncio.create_task(getter(q, f"g{i}")) for i in range(3)]
    j = asyncio.create_task(q.join())
    await asyncio.sleep(1)
    q.shutdown(immediate=True)
    log("shut down")
    for t in gs:
        await t
    log("join still waiting", not j.done())
    q.task_done()
    await j
    log("joined")


run(main())
