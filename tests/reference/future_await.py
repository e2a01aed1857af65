# A task awaiting a future: set_result schedules the task's wakeup, so the
# awaiter resumes one iteration after set_result, interleaved with a chain of
# call_soon callbacks that each schedule the next.
import asyncio
from vloop import log, run


async def main():
    loop = asyncio.get_running_loop()
    fut = loop.create_future()

    def tick(i):
        log("tick", i)
        if i < 5:
            loop.call_soon(tick, i + 1)
        if i == 1:
            fut.set_result("v")
            log("set")

    async def waiter():
        log("waiter awaits")
        v = await fut
        log("waiter got", v)
        return v + "!"

    t = asyncio.create_task(waiter())
    loop.call_soon(tick, 0)
    r = await t
    log("main got", r)


run(main())
