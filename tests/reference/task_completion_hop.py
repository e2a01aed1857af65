# A task's completion reaches its awaiter one loop iteration later: the
# ticker's lines show the iteration in which each event happens.
from vloop import log, run
import asyncio


async def ticker():
    for i in range(5):
        log(f"ticker tick {i}")
        await asyncio.sleep(0)


async def child():
    log("child starts")
    await asyncio.sleep(0)
    log("child returns 7")
    return 7


async def main():
    tk = asyncio.create_task(ticker(), name="ticker")
    c = asyncio.create_task(child(), name="child")
    r = await c
    log(f"main got {r}")
    await tk
    log("main done")


run(main())
