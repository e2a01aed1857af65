# asyncio.timeout / timeout_at: the deadline cancels the body and the block
# raises TimeoutError; when() and expired(); no deadline (None) never expires.
from vloop import log, run
import asyncio


def ms(when):
    return "None" if when is None else round(when * 1000)


async def main():
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(1) as cm:
            log("when", ms(cm.when()), "expired", cm.expired())
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                log("body cancelled, expired", cm.expired())
                raise
    except TimeoutError:
        log("timed out, expired", cm.expired(), "cancelling", asyncio.current_task().cancelling())

    async with asyncio.timeout(5) as cm:
        await asyncio.sleep(1)
    log("in time, expired", cm.expired(), "when", ms(cm.when()))

    async with asyncio.timeout(None) as cm:
        log("when", ms(cm.when()))
        await asyncio.sleep(100)
    log("no deadline, expired", cm.expired())

    try:
        async with asyncio.timeout_at(loop.time() + 2) as cm:
            log("timeout_at when", ms(cm.when()))
            await asyncio.sleep(5)
    except TimeoutError:
        log("timeout_at expired", cm.expired())

    log("result", await body_result())


async def body_result():
    async with asyncio.timeout(3):
        await asyncio.sleep(1)
        return "value"


run(main())
