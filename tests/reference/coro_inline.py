# Awaiting a coroutine runs it inside the awaiting task with no loop hop: a
# callback scheduled just before, and a task created just before, both run
# only after the awaited coroutine (and the code after the await) has run.
from vloop import log, run
import asyncio


async def inner(x):
    log("inner start")
    log("inner end")
    return x * 2


async def other():
    log("other task runs")


async def main():
    loop = asyncio.get_running_loop()
    loop.call_soon(lambda: log("callback runs"))
    t = asyncio.create_task(other())
    log("before await")
    r = await inner(21)
    log("after await", r)
    r = await inner(5)
    log("after second await", r)
    await asyncio.sleep(0)
    log("after sleep(0)")
    await t


run(main())
