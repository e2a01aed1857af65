# Tasks created in a row start in creation order; awaiting them in reverse
# order suspends only on the first (the others are done by then).
from vloop import log, run
import asyncio


async def worker(name):
    log(f"{name} starts")
    await asyncio.sleep(0)
    log(f"{name} ends")
    return name


async def main():
    a = asyncio.create_task(worker("a"), name="a")
    b = asyncio.create_task(worker("b"), name="b")
    c = asyncio.create_task(worker("c"), name="c")
    log("main created a b c")
    for t in (c, b, a):
        r = await t
        log(f"main awaited {r}")


run(main())
