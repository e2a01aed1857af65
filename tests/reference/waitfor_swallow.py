# The awaited coroutine or task catches the cancellation and returns a value:
# wait_for returns that value (3.13), for a positive timeout and for 0.
from vloop import log, run
import asyncio


async def stubborn(label):
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        log(label, "swallows the cancellation")
        await asyncio.sleep(1)
    return label


async def main():
    log("result", await asyncio.wait_for(stubborn("coroutine"), 1))
    log("main cancelling", asyncio.current_task().cancelling())
    t = asyncio.create_task(stubborn("task"))
    log("result", await asyncio.wait_for(t, 1))
    t = asyncio.create_task(stubborn("task zero"))
    await asyncio.sleep(0)
    log("result", await asyncio.wait_for(t, 0))
    log("main cancelling", asyncio.current_task().cancelling())


run(main())
