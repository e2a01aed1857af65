# Two tasks, one awaited: the awaiter sees the result one iteration after it is set.
from vloop import log, run
import asyncio


async def slow():
    await asyncio.sleep(5)
    log("slow done")
    return 5


async def main():
    t1 = asyncio.create_task(slow(), name="t1")
    log("started", t1.get_name())
    r = await t1
    log("got", r)


run(main())
