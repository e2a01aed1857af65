# gather over a list: of coroutines (wrapped in tasks in list order) and of
# tasks; results in list order.
from vloop import log, run
import asyncio


async def work(i, delay):
    log("work", i, "starts")
    await asyncio.sleep(delay)
    log("work", i, "finishes")
    return i * 10


async def main():
    delays = [4, 1, 3, 2]
    res = await asyncio.gather(*[work(i, d) for i, d in enumerate(delays)])
    log("results", *res)
    tasks = [asyncio.create_task(work(i, d)) for i, d in enumerate([2, 1])]
    res = await asyncio.gather(*tasks)
    log("results", *res)


run(main())
