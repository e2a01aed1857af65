# A task awaiting itself gets RuntimeError("Task cannot await on itself: ...")
# raised at the await on the next iteration, and can go on.
from vloop import log, run
import asyncio

me = None


async def ticker():
    for i in range(3):
        log(f"tick {i}")
        await asyncio.sleep(0)


async def selfish():
    log("selfish awaits itself")
    try:
        await me
    except RuntimeError as e:
        log("selfish caught " + str(e).split(":")[0])
    return "survived"


async def main():
    global me
    tk = asyncio.create_task(ticker(), name="ticker")
    me = asyncio.create_task(selfish(), name="selfish")
    log(f"main got {await me}")
    await tk


run(main())
