# The same callback chain with a leftover task: its cancellation takes the
# iterations of _cancel_all_tasks (gather) before the shutdown coroutines.
from vloop import log, run
import asyncio


def chain(loop, i):
    log("chain", i)
    if i < 12:
        loop.call_soon(chain, loop, i + 1)


async def leftover():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        log("leftover cancelled")
        await asyncio.sleep(0)
        log("leftover cleanup done")
        raise


async def main():
    loop = asyncio.get_running_loop()
    asyncio.create_task(leftover())
    await asyncio.sleep(0)
    loop.call_soon(chain, loop, 1)
    log("main returns")


run(main())
