# sleep(delay, result) returns result when it wakes, for delay 0 too.
from vloop import log, run
import asyncio


async def main():
    r = await asyncio.sleep(1, "one")
    log("got", r)
    r = await asyncio.sleep(0, 7)
    log("got", r)
    r = await asyncio.sleep(0.5, [1, 2, 3])
    log("got", r)
    r = await asyncio.sleep(-1, "negative")
    log("got", r)


run(main())
