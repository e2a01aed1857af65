# The same task given twice is one child; its result fills both places.
from vloop import log, run
import asyncio


async def work(name, delay, result):
    log(name, "starts")
    await asyncio.sleep(delay)
    log(name, "finishes")
    return result


async def main():
    t = asyncio.create_task(work("t", 1, 5))
    res = await asyncio.gather(t, t, work("u", 2, 6), t)
    log("results", *res)


run(main())
