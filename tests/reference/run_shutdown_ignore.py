# A leftover task that swallows its cancellation keeps running during
# asyncio.run's shutdown, which waits until it finishes on its own.
from vloop import log, run
import asyncio


async def stubborn():
    try:
        await asyncio.sleep(100)
    except asyncio.CancelledError:
        log("stubborn ignores the cancellation")
    await asyncio.sleep(5)
    log("stubborn finished anyway")
    return 7


async def polite():
    try:
        await asyncio.sleep(100)
    except asyncio.CancelledError:
        log("polite cancelled")
        raise


async def main():
    asyncio.create_task(stubborn(), name="stubborn")
    asyncio.create_task(polite(), name="polite")
    await asyncio.sleep(1)
    log("main returns")


run(main())
