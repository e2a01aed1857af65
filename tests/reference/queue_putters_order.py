# Putters waiting on a full queue are woken in order, one per free slot; the
# items land in the order the putters ran.
from vloop import log, run
import asyncio


async def putter(q, name):
    log(name, "puts")
    await q.put(name)
    log(name, "put, qsize", q.qsize())


async def main():
    q = asyncio.Queue(1)
    q.put_nowait("first")
    tasks = [asyncio.create_task(putter(q, f"p{i}")) for i in range(3)]
    await asyncio.sleep(1)
    log("got", q.get_nowait(), "full", q.full())
    await asyncio.sleep(1)
    log("got", q.get_nowait())
    q.put_nowait("sneaked")
    log("main sneaked in, full", q.full())
    await asyncio.sleep(1)
    while not all(t.done() for t in tasks):
        log("got", await q.get())
        await asyncio.sleep(1)
    while not q.empty():
        log("got", q.get_nowait())


run(main())
