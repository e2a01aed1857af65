# An exception raised in an awaited coroutine propagates to the awaiter, with
# no loop hop, through every level; raising before or after a suspension.
from vloop import log, run
import asyncio


async def fail_at_once():
    log("fail_at_once raises")
    raise ValueError("at once")


async def fail_after_sleep():
    await asyncio.sleep(2)
    log("fail_after_sleep raises")
    raise ValueError("after sleep")


async def middle():
    try:
        await fail_after_sleep()
    finally:
        log("middle finally")
    log("middle: not reached")


async def outer():
    await middle()
    log("outer: not reached")


async def main():
    asyncio.get_running_loop().call_soon(lambda: log("callback runs"))
    try:
        await fail_at_once()
    except ValueError as e:
        log("main caught", e)
    try:
        await outer()
    except ValueError as e:
        log("main caught", e)
    log("main done")


run(main())
