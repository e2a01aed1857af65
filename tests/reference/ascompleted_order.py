# as_completed (3.13, async iteration) yields the given tasks in the order
# they finish, each once; a failed one raises when awaited. Futures already
# done come out after one loop iteration (their callbacks are scheduled).
from vloop import log, run
import asyncio


async def work(delay):
    await asyncio.sleep(delay)
    log(asyncio.current_task().get_name(), "finishes")
    return delay


async def fail(delay):
    await asyncio.sleep(delay)
    raise ValueError("boom")


async def ticker():
    for i in range(3):
        log("tick", i)
        await asyncio.sleep(0)


async def main():
    a = asyncio.create_task(work(3), name="a")
    b = asyncio.create_task(work(1), name="b")
    c = asyncio.create_task(fail(2), name="c")
    async for f in asyncio.as_completed([a, b, c, b]):
        try:
            log("next", f.get_name(), "result", await f)
        except ValueError as e:
            log("next", f.get_name(), "raised ValueError", e)
    d = asyncio.create_task(work(0), name="d")
    t = asyncio.create_task(ticker())
    log("again with a done task")
    async for f in asyncio.as_completed([b, d]):
        log("next", f.get_name())
    await t


run(main())
