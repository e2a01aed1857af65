# A callback chain started right before main returns keeps running through
# asyncio.run's shutdown: the iteration that sees main done, then two
# iterations each for shutdown_asyncgens and shutdown_default_executor; then
# the loop closes and drops the rest, and timers not yet due never run.
from vloop import log, run
import asyncio


def chain(loop, i):
    log("chain", i)
    if i < 10:
        loop.call_soon(chain, loop, i + 1)


async def main():
    loop = asyncio.get_running_loop()
    loop.call_later(1, lambda: log("timer 1s: not reached"))
    loop.call_later(0, lambda: log("timer 0s"))
    loop.call_soon(chain, loop, 1)
    log("main returns")


run(main())
