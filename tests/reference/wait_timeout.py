# wait(timeout=...) returns when the timeout passes, never raising, leaving the
# rest running; if everything finishes first it returns then. Cancelling the
# task in wait() does not cancel the futures.
from vloop import log, run
import asyncio


def names(fs):
    return "[" + " ".join(sorted(f.get_name() for f in fs)) + "]"


async def work(delay):
    await asyncio.sleep(delay)
    log(asyncio.current_task().get_name(), "finishes")
    return delay


async def waiter(fs):
    try:
        await asyncio.wait(fs)
    except asyncio.CancelledError:
        log("waiter cancelled")
        raise


async def main():
    a = asyncio.create_task(work(1), name="a")
    b = asyncio.create_task(work(2), name="b")
    c = asyncio.create_task(work(3), name="c")
    done, pending = await asyncio.wait([a, b, c], timeout=1.5)
    log("done", names(done), "pending", names(pending))
    done, pending = await asyncio.wait([b, c], timeout=10)
    log("done", names(done), "pending", names(pending))
    d = asyncio.create_task(work(2), name="d")
    w = asyncio.create_task(waiter([d]))
    await asyncio.sleep(1)
    w.cancel()
    await asyncio.sleep(0)
    log("d cancelled", d.cancelled())
    await d


run(main())
