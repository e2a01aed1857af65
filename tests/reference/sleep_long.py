# Long sleeps finish at once on the virtual clock, at exactly the deadline.
from vloop import log, run
import asyncio


async def main():
    log("start")
    await asyncio.sleep(3600)
    log("after one hour")
    for _ in range(10):
        await asyncio.sleep(0.1)
    log("after ten sleeps of 100ms")
    await asyncio.sleep(86400 - 3601)
    log("after a day")


run(main())
