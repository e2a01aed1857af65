# abort() breaks the barrier: waiters and later arrivals get
# BrokenBarrierError until reset() repairs it.
from vloop import log, run
import asyncio


async def party(b, name):
    try:
        i = await b.wait()
        log(name, "passed, index", i)
    except asyncio.BrokenBarrierError as e:
        log(name, "BrokenBarrierError:", e)


async def main():
    b = asyncio.Barrier(3)
    tasks = [asyncio.create_task(party(b, n)) for n in "ab"]
    await asyncio.sleep(1)
    await b.abort()
    log("aborted, broken", b.broken, "n_waiting", b.n_waiting)
    for t in tasks:
        await t
    await party(b, "late")
    await b.reset()
    log("reset, broken", b.broken)
    tasks = [asyncio.create_task(party(b, n)) for n in "cde"]
    for t in tasks:
        await t


run(main())
