# Nested timeouts: the one that expires raises TimeoutError; the other sees a
# CancelledError pass through (inner) or nothing (outer). With equal deadlines
# the outer timer fires first, both cancel the task, and the inner block lets
# the CancelledError through since its count shows another request.
from vloop import log, run
import asyncio


async def main():
    async with asyncio.timeout(10) as outer:
        try:
            async with asyncio.timeout(1) as inner:
                await asyncio.sleep(5)
        except TimeoutError:
            log("inner timed out", inner.expired(), "outer expired", outer.expired())
        await asyncio.sleep(1)
    log("outer finished, expired", outer.expired())

    try:
        async with asyncio.timeout(1) as outer:
            try:
                async with asyncio.timeout(10) as inner:
                    await asyncio.sleep(5)
            except asyncio.CancelledError:
                log("inner let CancelledError through, inner expired", inner.expired(),
                    "cancelling", asyncio.current_task().cancelling())
                raise
    except TimeoutError:
        log("outer timed out", outer.expired(), "cancelling", asyncio.current_task().cancelling())

    try:
        async with asyncio.timeout(1) as outer:
            try:
                async with asyncio.timeout(1) as inner:
                    await asyncio.sleep(5)
            except asyncio.CancelledError:
                log("equal deadlines: inner let CancelledError through, inner expired", inner.expired(),
                    "cancelling", asyncio.current_task().cancelling())
                raise
    except TimeoutError:
        log("equal deadlines: outer timed out", outer.expired(),
            "cancelling", asyncio.current_task().cancelling())


run(main())
