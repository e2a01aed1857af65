# A cancel() from outside the timeout block propagates as CancelledError, not
# TimeoutError: the block compares the task's cancelling() count with the one
# it saw on entry.
from vloop import log, run
import asyncio


def state(cm):
    t = asyncio.current_task()
    return f"expired {cm.expired()} cancelling {t.cancelling()}"


async def before_expiry():
    async with asyncio.timeout(5) as cm:
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            log("before expiry: body cancelled,", state(cm))
            raise


async def after_expiry():
    async with asyncio.timeout(1) as cm:
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            log("after expiry: body caught the timeout,", state(cm))
        await asyncio.sleep(10)


async def same_tick():
    async with asyncio.timeout(1) as cm:
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            log("same tick: body cancelled,", state(cm))
            raise


async def already_cancelling():
    asyncio.current_task().cancel()
    try:
        await asyncio.sleep(0)
    except asyncio.CancelledError:
        log("already cancelling: caught, cancelling", asyncio.current_task().cancelling())
    try:
        async with asyncio.timeout(1) as cm:
            await asyncio.sleep(10)
    except TimeoutError:
        log("already cancelling: TimeoutError,", state(cm))


async def run_case(label, coro, cancel_at):
    loop = asyncio.get_running_loop()
    t = asyncio.create_task(coro)
    if cancel_at is not None:
        loop.call_later(cancel_at, t.cancel)
    try:
        await t
        log(label, "returned")
    except asyncio.CancelledError:
        log(label, "raised CancelledError, task cancelled", t.cancelled())
    except TimeoutError:
        log(label, "raised TimeoutError")


async def main():
    await run_case("before expiry", before_expiry(), 1)
    await run_case("after expiry", after_expiry(), 2)
    loop = asyncio.get_running_loop()
    t = asyncio.create_task(same_tick())
    loop.call_later(1, t.cancel)
    await asyncio.sleep(0)
    try:
        await t
    except asyncio.CancelledError:
        log("same tick raised CancelledError, task cancelled", t.cancelled())
    await run_case("already cancelling", already_cancelling(), None)


run(main())
