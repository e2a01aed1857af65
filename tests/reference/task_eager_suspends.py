# An eager task that suspends in its first step goes on like any task on
# later iterations.
from vloop import log, run
import asyncio


async def eager():
    log("eager step 1")
    await asyncio.sleep(0)
    log("eager step 2")
    await asyncio.sleep(1)
    log("eager step 3")
    return 3


async def main():
    loop = asyncio.get_running_loop()
    e = asyncio.Task(eager(), loop=loop, name="eager", eager_start=True)
    log(f"main after create_task done {e.done()}")
    await asyncio.sleep(0)
    log("main after sleep(0)")
    r = await e
    log(f"main got {r}")


run(main())
