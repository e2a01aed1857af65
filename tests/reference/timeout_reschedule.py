# Timeout.reschedule moves the deadline earlier or later, or removes it.
from vloop import log, run
import asyncio


def ms(when):
    return "None" if when is None else round(when * 1000)


async def main():
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(5) as cm:
            await asyncio.sleep(1)
            cm.reschedule(loop.time() + 1)
            log("earlier: when", ms(cm.when()))
            await asyncio.sleep(10)
    except TimeoutError:
        log("timed out, expired", cm.expired())

    async with asyncio.timeout(1) as cm:
        cm.reschedule(loop.time() + 3)
        log("later: when", ms(cm.when()))
        await asyncio.sleep(2)
        log("still running")
        cm.reschedule(None)
        log("none: when", ms(cm.when()))
        await asyncio.sleep(5)
    log("finished, expired", cm.expired())

    try:
        async with asyncio.timeout(None) as cm:
            cm.reschedule(loop.time() + 1)
            await asyncio.sleep(2)
    except TimeoutError:
        log("deadline added later fired, expired", cm.expired())


run(main())
