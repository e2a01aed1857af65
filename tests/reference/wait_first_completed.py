# wait(FIRST_COMPLETED) returns one hop after the first future is done; done
# and pending split the (deduplicated) input; nothing is cancelled.
from vloop import log, run
import asyncio


def names(fs):
    return "[" + " ".join(sorted(f.get_name() for f in fs)) + "]"


async def work(delay):
    await asyncio.sleep(delay)
    log(asyncio.current_task().get_name(), "finishes")
    return delay


async def ticker():
    await asyncio.sleep(1)
    for i in range(3):
        log("tick", i)
        await asyncio.sleep(0)


async def main():
    tick = asyncio.create_task(ticker(), name="ticker")
    a = asyncio.create_task(work(3), name="a")
    b = asyncio.create_task(work(1), name="b")
    c = asyncio.create_task(work(2), name="c")
    done, pending = await asyncio.wait([a, b, c, b], return_when=asyncio.FIRST_COMPLETED)
    log("done", names(done), "pending", names(pending), "cancelled", a.cancelled(), c.cancelled())
    done, pending = await asyncio.wait([a, b, c], return_when=asyncio.FIRST_COMPLETED)
    log("already done returns after a hop", names(done), "pending", names(pending))
    await tick
    done, pending = await asyncio.wait([a, c], return_when=asyncio.FIRST_COMPLETED)
    log("done", names(done), "pending", names(pending))


run(main())
