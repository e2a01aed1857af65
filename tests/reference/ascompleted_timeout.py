# as_completed(timeout=...): after the timeout each remaining step raises
# TimeoutError; the tasks keep running.
from vloop import log, run
import asyncio


async def work(delay):
    await asyncio.sleep(delay)
    log(asyncio.current_task().get_name(), "finishes")
    return delay


async def main():
    a = asyncio.create_task(work(1), name="a")
    b = asyncio.create_task(work(3), name="b")
    c = asyncio.create_task(work(5), name="c")
    it = asyncio.as_completed([a, b, c], timeout=2)
    for _ in range(4):
        try:
            f = await it.__anext__()
            log("next", f.get_name())
        except TimeoutError:
            log("TimeoutError, b done", b.done(), "cancelled", b.cancelled())
        except StopAsyncIteration:
            log("no more")
    log("b result", await b, "c result", await c)


run(main())
