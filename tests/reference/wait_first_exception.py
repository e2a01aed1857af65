# wait(FIRST_EXCEPTION) returns when a future raises; a cancelled one does not
# count as an exception; without any exception it waits for all.
from vloop import log, run
import asyncio


def names(fs):
    return "[" + " ".join(sorted(f.get_name() for f in fs)) + "]"


async def work(delay):
    await asyncio.sleep(delay)
    log(asyncio.current_task().get_name(), "finishes")
    return delay


async def fail(delay):
    await asyncio.sleep(delay)
    log(asyncio.current_task().get_name(), "raises")
    raise ValueError("boom")


async def main():
    a = asyncio.create_task(work(4), name="a")
    b = asyncio.create_task(work(1), name="b")
    c = asyncio.create_task(fail(3), name="c")
    d = asyncio.create_task(work(2), name="d")
    asyncio.get_running_loop().call_later(0.5, d.cancel)
    done, pending = await asyncio.wait([a, b, c, d], return_when=asyncio.FIRST_EXCEPTION)
    log("done", names(done), "pending", names(pending))
    log("c raised", type(c.exception()).__name__, "d cancelled", d.cancelled())
    done, pending = await asyncio.wait([a], return_when=asyncio.FIRST_EXCEPTION)
    log("done", names(done), "pending", names(pending))


run(main())
