# Barrier(2) with three arrivals at once: the first two pass; the third blocks
# while the barrier drains, then waits in the next round with a fourth.
from vloop import log, run
import asyncio


async def party(b, name):
    log(name, "arrives")
    i = await b.wait()
    log(name, "passed, index", i)


async def main():
    b = asyncio.Barrier(2)
    tasks = [asyncio.create_task(party(b, n)) for n in "abc"]
    await asyncio.sleep(1)
    log("n_waiting", b.n_waiting)
    tasks.append(asyncio.create_task(party(b, "d")))
    for t in tasks:
        await t
    log("n_waiting", b.n_waiting)


run(main())
