# A negative delay behaves as sleep(0): one iteration, no timer, no time passes.
from vloop import log, run
import asyncio


async def spinner(name, delay, rounds):
    for i in range(rounds):
        log(name, i)
        await asyncio.sleep(delay)
    log(name, "done")


async def main():
    a = asyncio.create_task(spinner("neg", -5, 3))
    b = asyncio.create_task(spinner("zero", 0, 3))
    await a
    await b
    log("main done")


run(main())
