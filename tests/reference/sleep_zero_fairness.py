# sleep(0) is one bare yield: two tasks looping on it alternate strictly, and a
# self-rescheduling call_soon callback advances exactly one step per yield.
from vloop import log, run
import asyncio


async def spinner(name, rounds):
    for i in range(rounds):
        log(name, i)
        await asyncio.sleep(0)
    log(name, "done")


def tick(loop, i):
    log("tick", i)
    if i < 4:
        loop.call_soon(tick, loop, i + 1)


async def main():
    loop = asyncio.get_running_loop()
    a = asyncio.create_task(spinner("a", 4))
    b = asyncio.create_task(spinner("b", 3))
    loop.call_soon(tick, loop, 0)
    log("main yields")
    await asyncio.sleep(0)
    log("main resumed")
    await a
    log("main after a")
    await b
    log("main after b")


run(main())
