# A putter woken by get_nowait() but cancelled before it runs hands the
# wakeup to the next putter; a putter cancelled while waiting just leaves.
from vloop import log, run
import asyncio


async def putter(q, name):
    log(name, "waits")
    try:
        await q.put(name)
    except asyncio.CancelledError:
        log(name, "cancelled, qsize", q.qsize())
        raise
    log(name, "put")


async def main():
    q = asyncio.Queue(1)
    q.put_nowait("first")
    tasks = [asyncio.create_task(putter(q, f"p{i}")) for i in range(4)]
    await asyncio.sleep(1)
    tasks[1].cancel()
    await asyncio.sleep(1)
    log("got", q.get_nowait())
    tasks[0].cancel()
    log("cancelled p0")
    await asyncio.sleep(1)
    log("got", q.get_nowait())
    for i, t in enumerate(tasks):
        try:
            await t
            log(f"p{i} finished")
        except asyncio.CancelledError:
            log(f"p{i} was cancelled")
    log("got", q.get_nowait(), "qsize", q.qsize())


run(main())
