# A getter woken by put_nowait() but cancelled before it runs hands the
# wakeup to the next getter; a getter cancelled while waiting just leaves.
from vloop import log, run
import asyncio


async def getter(q, name):
    log(name, "waits")
    try:
        it = await q.get()
    except asyncio.CancelledError:
        log(name, "cancelled, qsize", q.qsize())
        raise
    log(name, "got", it)


async def main():
    q = asyncio.Queue()
    tasks = [asyncio.create_task(getter(q, f"g{i}")) for i in range(4)]
    await asyncio.sleep(1)
    tasks[1].cancel()
    await asyncio.sleep(1)
    q.put_nowait("x")
    tasks[0].cancel()
    log("put x, cancelled g0")
    await asyncio.sleep(1)
    q.put_nowait("y")
    log("put y")
    for i, t in enumerate(tasks):
        try:
            await t
            log(f"g{i} finished")
        except asyncio.CancelledError:
            log(f"g{i} was cancelled")


run(main())
