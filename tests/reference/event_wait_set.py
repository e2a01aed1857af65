# Waiting on an event that is already set returns at once, with no hop: the
# callback queued before the wait runs after it.
from vloop import log, run
import asyncio


async def main():
    e = asyncio.Event()
    e.set()
    loop = asyncio.get_running_loop()
    loop.call_soon(lambda: log("callback"))
    await e.wait()
    log("first wait returned")
    await e.wait()
    log("second wait returned")
    await asyncio.sleep(0)
    log("after sleep(0)")


run(main())
