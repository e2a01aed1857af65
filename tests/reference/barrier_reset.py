# reset() while two of three wait: both get BrokenBarrierError; the barrier is
# then usable again (not broken).
from vloop import log, run
import asyncio


async def party(b, name):
    try:
        i = await b.wait()
        log(name, "passed, index", i)
    except asyncio.BrokenBarrierError as e:
        log(name, "BrokenBarrierError:", e, "n_waiting", b.n_waiting)


async def main():
    b = asyncio.Barrier(3)
    tasks = [asyncio.create_task(party(b, n)) for n in "ab"]
    await asyncio.sleep(1)
    log("n_waiting", b.n_waiting)
    await b.reset()
    log("reset, n_waiting", b.n_waiting, "broken", b.broken)
    for t in tasks:
        await t
    log("n_waiting", b.n_waiting, "broken", b.broken)
    tasks = [asyncio.create_task(party(b, n)) for n in "cde"]
    for t in tasks:
        await t
    await b.reset()  # nobody waits
    log("reset an idle barrier, broken", b.broken)


run(main())
