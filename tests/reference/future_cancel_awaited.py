# Cancelling a future a task awaits: the task's wakeup runs one iteration
# later and raises CancelledError carrying the cancel message inside the task,
# which may catch it and finish normally.
import asyncio
from vloop import log, run


async def main():
    loop = asyncio.get_running_loop()
    fut = loop.create_future()

    def tick(i):
        log("tick", i)
        if i < 4:
            loop.call_soon(tick, i + 1)
        if i == 1:
            log("cancel returns", fut.cancel("stop it"), fut.cancel("again"))

    async def waiter():
        try:
            await fut
        except asyncio.CancelledError as e:
            log("waiter caught", e.args[0] if e.args else "")
            return "recovered"
        return "unreachable"

    t = asyncio.create_task(waiter())
    loop.call_soon(tick, 0)
    r = await t
    log("main got", r, "task cancelled", t.cancelled(), "future cancelled", fut.cancelled())


run(main())
