# Three nested coroutines: each level runs inline in main's task; a suspension
# deep inside suspends the whole task, and the results come back level by level.
from vloop import log, run
import asyncio


async def level3():
    log("level3 start in", asyncio.current_task().get_name())
    await asyncio.sleep(1)
    log("level3 woke")
    return 3


async def level2():
    log("level2 start")
    r = await level3()
    log("level2 got", r)
    await asyncio.sleep(0.5)
    log("level2 woke")
    return r + 20


async def level1():
    log("level1 start")
    r = await level2()
    log("level1 got", r)
    return r + 100


async def ticker():
    for i in range(4):
        log("tick", i)
        await asyncio.sleep(0.5)


async def main():
    t = asyncio.create_task(ticker(), name="ticker")
    r = await level1()
    log("main got", r)
    await t


run(main())
