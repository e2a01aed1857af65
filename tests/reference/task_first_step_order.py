# A new task's first step runs on the next loop iteration: after the callbacks
# already queued, before those queued after create_task. Each step of the child
# and each callback interleave one iteration at a time.
from vloop import log, run
import asyncio


async def child():
    log("child step 1")
    await asyncio.sleep(0)
    log("child step 2")


async def main():
    loop = asyncio.get_running_loop()
    loop.call_soon(log, "callback queued before create_task")
    t = asyncio.create_task(child(), name="child")
    loop.call_soon(log, "callback queued after create_task")
    log("main after create_task")
    await asyncio.sleep(0)
    log("main after sleep(0)")
    await t
    log("main after await child")


run(main())
