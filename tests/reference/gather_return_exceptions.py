# gather(..., return_exceptions=True): exceptions and cancellations become
# elements of the result list, in argument order. A cancelled task gives
# CancelledError(''): gather reads the task's _cancel_message, which
# Task.__step clears when the CancelledError ends the coroutine, whether the
# task was waiting on a future or had not started.
from vloop import log, run
import asyncio


def describe(r):
    if isinstance(r, BaseException):
        return f"{type(r).__name__}({r})"
    return f"value {r}"


async def ok():
    await asyncio.sleep(1)
    log("ok finishes")
    return 1


async def bad():
    await asyncio.sleep(2)
    log("bad raises")
    raise ValueError("bad")


async def victim(name):
    log(name, "starts")
    await asyncio.sleep(10)
    return 0


async def main():
    v = asyncio.create_task(victim("victim"))
    early = asyncio.create_task(victim("early"))
    early.cancel("stop early")
    g = asyncio.gather(ok(), bad(), v, early, return_exceptions=True)
    await asyncio.sleep(3)
    log("cancel victim", v.cancel("stop victim"))
    res = await g
    log("gather done")
    for r in res:
        log(describe(r))


run(main())
