# wait(timeout=0) still schedules a timer (call_later(0)): it returns on the
# next loop iteration, after the callbacks that were already queued.
from vloop import log, run
import asyncio


def names(fs):
    return "[" + " ".join(sorted(f.get_name() for f in fs)) + "]"


async def work(delay):
    await asyncio.sleep(delay)
    return delay


async def ticker():
    for i in range(3):
        log("tick", i)
        await asyncio.sleep(0)


async def main():
    a = asyncio.create_task(work(1), name="a")
    b = asyncio.create_task(work(0), name="b")
    t = asyncio.create_task(ticker())
    log("waiting")
    done, pending = await asyncio.wait([a, b], timeout=0)
    log("done", names(done), "pending", names(pending))
    await asyncio.sleep(0)
    log("b done", b.done())
    done, pending = await asyncio.wait([a, b], timeout=0)
    log("done", names(done), "pending", names(pending))
    await t
    await a


run(main())
