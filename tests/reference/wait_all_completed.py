# wait() (ALL_COMPLETED) waits for every future, tasks and plain futures alike,
# and raises nothing: exceptions stay in the futures.
from vloop import log, run
import asyncio


async def work(delay):
    await asyncio.sleep(delay)
    log(asyncio.current_task().get_name(), "finishes")
    return delay


async def fail(delay):
    await asyncio.sleep(delay)
    log(asyncio.current_task().get_name(), "raises")
    raise ValueError("boom")


async def main():
    loop = asyncio.get_running_loop()
    a = asyncio.create_task(work(2), name="a")
    b = asyncio.create_task(fail(1), name="b")
    f = loop.create_future()
    loop.call_later(3, lambda: (log("f set"), f.set_result(9)))
    fs = [a, b, f, a]
    done, pending = await asyncio.wait(fs)
    log("done", len(done), "pending", len(pending))
    log("a", a.result(), "b", type(b.exception()).__name__, "f", f.result())


run(main())
