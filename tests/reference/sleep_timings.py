# sleep(d) wakes at exactly now + d on the virtual clock; sleeps started at
# different times interleave by deadline.
from vloop import log, run
import asyncio


async def sleeper(name, delays):
    for d in delays:
        await asyncio.sleep(d)
        log(name, "woke after", d)


async def main():
    a = asyncio.create_task(sleeper("a", [0.01, 1.5, 0.25]))
    b = asyncio.create_task(sleeper("b", [1, 0.5, 0.001]))
    c = asyncio.create_task(sleeper("c", [0.75, 0.75, 0.75]))
    await asyncio.sleep(2)
    log("main woke")
    await a
    await b
    await c
    log("main done")


run(main())
